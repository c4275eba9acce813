"""Stock levels, served from the Redis `stock` read model."""

from rest_framework import serializers

from projections.stock import schema
from readapi.generics import DocumentView
from readapi.queries.stock import stock_level
from readapi.representation import DocumentSerializer


class StockSerializer(DocumentSerializer):
    product_id = serializers.IntegerField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField(help_text="On hand minus reserved.")
    units_sold = serializers.IntegerField()
    version = serializers.IntegerField()


class StockDetailView(DocumentView):
    """The stock of one product."""

    required_scope = "catalog:read"
    projections = (schema.PROJECTION,)
    operation_id = "stock_retrieve"
    summary = "Stock of one product"
    lookup_url_kwarg = "product_id"
    read_document = staticmethod(stock_level)
    serializer_class = StockSerializer
    not_found_message = "There is no stock record for this product."
