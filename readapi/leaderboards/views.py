"""The top-products leaderboard, served from the Redis `top_products` sorted set."""

from rest_framework import serializers

from projections.top_products import schema
from readapi.cursors import Cursor, InvalidCursor
from readapi.generics import KeysetListView
from readapi.queries.leaderboards import BoardRequest, top_products
from readapi.queries.search import KeysetPage
from readapi.representation import DocumentSerializer


class TopProductSerializer(DocumentSerializer):
    rank = serializers.IntegerField(
        help_text="1 for the best seller, at the time of reading."
    )
    product_id = serializers.IntegerField()
    units_sold = serializers.IntegerField()


class TopProductsView(KeysetListView):
    """Best-selling products, most units sold first, one keyset page at a time."""

    required_scope = "catalog:read"
    projections = (schema.PROJECTION,)
    operation_id = "leaderboards_top_products"
    summary = "Top-selling products"
    serializer_class = TopProductSerializer
    cursor_salt = "readapi.leaderboards.top_products"

    def get_page(
        self, *, position: Cursor | None, size: int, ordering: str | None
    ) -> KeysetPage:
        return top_products(board_request(position=position, size=size))


def board_request(*, position: Cursor | None, size: int) -> BoardRequest:
    """The sorted-set page request for a cursor position."""
    if position is None:
        return BoardRequest(size=size)
    if len(position.key) != 2 or not all(isinstance(v, str) for v in position.key):
        raise InvalidCursor(
            "This cursor is not valid; start again from the first page."
        )
    score, member = position.key
    return BoardRequest(size=size, anchor=(score, member), backwards=position.backwards)
