"""The write API's documented shapes: each aggregate's state and the one error body."""

from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from commands import serializers_state


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable reason.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    # The serializer metaclass pops declared fields off the class, so this does
    # not shadow Serializer.fields at runtime; the stubs cannot express that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Problems by field (or header) name; only on a 400.",
    )


class ErrorSerializer(serializers.Serializer):
    """`{"error": {"code", "message", "fields"?}}`, the shape of every error."""

    error = ErrorDetailSerializer()


class CategoryState(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    parent_id = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()


class ProductState(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    category_id = serializers.IntegerField()
    price = serializers.CharField(help_text='Decimal as a string, e.g. "19.90".')
    currency = serializers.CharField()
    status = serializers.CharField()
    attributes = serializers.DictField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField(help_text="Send it back in If-Match.")
    deleted = serializers.BooleanField()


class StockState(serializers.Serializer):
    product_id = serializers.IntegerField()
    on_hand = serializers.IntegerField()
    reserved = serializers.IntegerField()
    available = serializers.IntegerField()
    units_sold = serializers.IntegerField()
    version = serializers.IntegerField()


class CustomerState(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.CharField()
    name = serializers.CharField()
    orders_count = serializers.IntegerField()
    lifetime_value = serializers.CharField(help_text="Decimal as a string.")
    version = serializers.IntegerField()


class OrderLineState(serializers.Serializer):
    product_id = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.CharField()
    line_total = serializers.CharField()


class OrderState(serializers.Serializer):
    id = serializers.IntegerField()
    customer_id = serializers.IntegerField()
    status = serializers.CharField()
    currency = serializers.CharField()
    total = serializers.CharField()
    lines = OrderLineState(many=True)
    placed_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    shipped_at = serializers.DateTimeField(allow_null=True)
    cancelled_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()


# What each state function returns, as a documented shape.
STATE_SHAPES: dict[Callable[..., dict[str, Any]], type[serializers.Serializer]] = {
    serializers_state.category_state: CategoryState,
    serializers_state.product_state: ProductState,
    serializers_state.stock_state: StockState,
    serializers_state.customer_state: CustomerState,
    serializers_state.order_state: OrderState,
}
