"""Stock levels, served from the Redis `stock` read model."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from readapi.openapi import CONSISTENCY_TOKEN, error_responses
from readapi.queries.stock import stock_level
from readapi.read_view import ReadView
from readapi.representation import DocumentSerializer


class StockSerializer(DocumentSerializer):
    product_id = serializers.IntegerField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField(help_text="On hand minus reserved.")
    units_sold = serializers.IntegerField()
    version = serializers.IntegerField()


class StockDetailView(ReadView):
    """The stock of one product."""

    required_scope = "catalog:read"
    projections = ("stock",)

    @extend_schema(
        operation_id="stock_retrieve",
        summary="Stock of one product",
        parameters=[CONSISTENCY_TOKEN],
        responses={
            200: StockSerializer,
            **error_responses(400, 401, 403, 404, 429, 503),
        },
    )
    def get(self, request: Request, product_id: int) -> Response:
        level = stock_level(product_id)
        if level is None:
            raise NotFound("There is no stock record for this product.")
        return Response(StockSerializer.represent(level))
