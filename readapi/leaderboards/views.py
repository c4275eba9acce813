"""The top-products leaderboard, served from the Redis `top_products` sorted set."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from readapi.cursors import Cursor, InvalidCursor
from readapi.keyset_filters import KeysetFilterSet
from readapi.openapi import CONSISTENCY_TOKEN, error_responses, filter_parameters
from readapi.pagination import DEFAULT_PAGE_SIZE, KeysetPagination
from readapi.queries.leaderboards import BoardRequest, top_products
from readapi.read_view import ReadView
from readapi.representation import DocumentSerializer


class TopProductSerializer(DocumentSerializer):
    rank = serializers.IntegerField(
        help_text="1 for the best seller, at the time of reading."
    )
    product_id = serializers.IntegerField()
    units_sold = serializers.IntegerField()


class TopProductPageSerializer(serializers.Serializer):
    results = TopProductSerializer(many=True)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)


class TopProductsView(ReadView):
    """Best-selling products, most units sold first, one keyset page at a time."""

    required_scope = "catalog:read"
    projections = ("top_products",)
    filterset_class = KeysetFilterSet
    cursor_salt = "readapi.leaderboards.top_products"

    @extend_schema(
        operation_id="leaderboards_top_products",
        summary="Top-selling products",
        parameters=[*filter_parameters(KeysetFilterSet), CONSISTENCY_TOKEN],
        responses={
            200: TopProductPageSerializer,
            **error_responses(400, 401, 403, 429, 503),
        },
    )
    def get(self, request: Request) -> Response:
        values = self.params.values
        pagination = KeysetPagination.for_query(
            request=request, salt=self.cursor_salt, params=values
        )
        position = pagination.position(values.get("cursor"))
        page = top_products(
            board_request(
                position=position, size=values.get("page_size", DEFAULT_PAGE_SIZE)
            )
        )
        results = TopProductSerializer.represent_many(page.rows)
        return Response(pagination.body(page=page, results=results, position=position))


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
