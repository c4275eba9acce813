"""Input shapes of the write API, and the output shape (the aggregate's full state).

Input serializers check types and shapes only; business rules live in the handlers,
so the admin and the management commands get them too.
"""

from collections.abc import Callable, Mapping
from typing import Any

from rest_framework import serializers

from commands import serializers_state
from commands.models import ProductStatus


class StrictSerializer(serializers.Serializer):
    """Rejects fields it does not know instead of silently dropping them."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {name: ["is not a known field"] for name in unknown}
                )
        return super().to_internal_value(data)


class PartialSerializer(StrictSerializer):
    """A PATCH body: every field optional, at least one required."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError("send at least one field to change")
        return attrs


class CategoryCreateInput(StrictSerializer):
    name = serializers.CharField(max_length=200)
    slug = serializers.CharField(max_length=200, required=False)
    parent = serializers.IntegerField(required=False, allow_null=True)


class CategoryUpdateInput(PartialSerializer):
    name = serializers.CharField(max_length=200, required=False)
    slug = serializers.CharField(max_length=200, required=False)
    parent = serializers.IntegerField(required=False, allow_null=True)


class ProductCreateInput(StrictSerializer):
    sku = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(required=False, default="EUR")
    status = serializers.ChoiceField(
        choices=[ProductStatus.DRAFT, ProductStatus.ACTIVE],
        required=False,
        default=ProductStatus.DRAFT,
    )
    attributes = serializers.DictField(required=False, default=dict)
    initial_stock = serializers.IntegerField(required=False, default=0, min_value=0)


class ProductUpdateInput(PartialSerializer):
    sku = serializers.CharField(max_length=64, required=False)
    name = serializers.CharField(max_length=255, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    category = serializers.IntegerField(required=False)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)
    currency = serializers.CharField(required=False)
    status = serializers.ChoiceField(
        choices=[ProductStatus.DRAFT, ProductStatus.ACTIVE], required=False
    )
    attributes = serializers.DictField(required=False)


class StockAdjustInput(StrictSerializer):
    delta = serializers.IntegerField()
    reason = serializers.CharField(max_length=200)


class CustomerCreateInput(StrictSerializer):
    email = serializers.CharField(max_length=254)
    name = serializers.CharField(max_length=200)


class CustomerUpdateInput(PartialSerializer):
    email = serializers.CharField(max_length=254, required=False)
    name = serializers.CharField(max_length=200, required=False)


class OrderLineInput(StrictSerializer):
    product = serializers.IntegerField()
    quantity = serializers.IntegerField(min_value=1)


class OrderCreateInput(StrictSerializer):
    customer = serializers.IntegerField()
    lines = OrderLineInput(many=True, allow_empty=False)


class StateSerializer(serializers.BaseSerializer):
    """Renders an aggregate as its full state, the same dict its events carry."""

    state: Callable[[Any], dict[str, Any]]

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return type(self).state(instance)


def state_serializer(state: Callable[[Any], dict[str, Any]]) -> type[StateSerializer]:
    return type(
        f"{state.__name__.title().replace('_', '')}Serializer",
        (StateSerializer,),
        {"state": staticmethod(state)},
    )


CategoryOutput = state_serializer(serializers_state.category_state)
ProductOutput = state_serializer(serializers_state.product_state)
StockOutput = state_serializer(serializers_state.stock_state)
CustomerOutput = state_serializer(serializers_state.customer_state)
OrderOutput = state_serializer(serializers_state.order_state)
