"""Output shapes of the order endpoints."""

from rest_framework import serializers

from readapi.representation import DocumentSerializer


class OrderLineSerializer(DocumentSerializer):
    product_id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2)
    line_total = serializers.DecimalField(max_digits=14, decimal_places=2)


class OrderSerializer(DocumentSerializer):
    id = serializers.IntegerField()
    customer_id = serializers.IntegerField()
    customer_name = serializers.CharField(allow_blank=True)
    customer_email = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    currency = serializers.CharField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    lines = OrderLineSerializer(many=True)
    line_count = serializers.IntegerField()
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
