"""django-filter FilterSets of the staff listings; an unknown parameter is a 400."""

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import F
from django.forms.utils import ErrorDict, ErrorList

from commands.models import (
    Category,
    Customer,
    Order,
    OrderStatus,
    Product,
    ProductStatus,
    StockItem,
)

# Consumed by pagination and content negotiation, not by the filters.
RESERVED_PARAMS = frozenset({"limit", "offset", "format"})


class StrictFilterSet(django_filters.FilterSet):
    """A FilterSet that reports unknown query parameters instead of ignoring them."""

    def unknown_params(self) -> list[str]:
        return sorted(set(self.data) - set(self.filters) - RESERVED_PARAMS)

    def is_valid(self) -> bool:
        return super().is_valid() and not self.unknown_params()

    @property
    def errors(self) -> ErrorDict:
        errors = ErrorDict(super().errors)
        for name in self.unknown_params():
            errors[name] = ErrorList(
                [ValidationError("is not a known filter", code="unknown_filter")]
            )
        return errors


class CategoryFilter(StrictFilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    root = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull")
    ordering = django_filters.OrderingFilter(fields=["name", "slug", "id"])

    class Meta:
        model = Category
        fields = ["parent", "slug"]


class ProductFilter(StrictFilterSet):
    search = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    status = django_filters.ChoiceFilter(choices=ProductStatus.choices)
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    updated_after = django_filters.IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte"
    )
    ordering = django_filters.OrderingFilter(
        fields=["id", "sku", "name", "price", "created_at", "updated_at"]
    )

    class Meta:
        model = Product
        fields = ["sku", "category", "currency", "deleted"]


class StockFilter(StrictFilterSet):
    max_available = django_filters.NumberFilter(method="filter_max_available")
    ordering = django_filters.OrderingFilter(
        fields=["product_id", "on_hand", "reserved", "units_sold"]
    )

    class Meta:
        model = StockItem
        fields = ["product"]

    def filter_max_available(self, queryset, name, value):
        return queryset.alias(available=F("on_hand") - F("reserved")).filter(
            available__lte=value
        )


class CustomerFilter(StrictFilterSet):
    email = django_filters.CharFilter(lookup_expr="iexact")
    name = django_filters.CharFilter(lookup_expr="icontains")
    ordering = django_filters.OrderingFilter(
        fields=["id", "name", "orders_count", "lifetime_value"]
    )

    class Meta:
        model = Customer
        fields = ["email", "name"]


class OrderFilter(StrictFilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices)
    placed_after = django_filters.IsoDateTimeFilter(
        field_name="placed_at", lookup_expr="gte"
    )
    placed_before = django_filters.IsoDateTimeFilter(
        field_name="placed_at", lookup_expr="lt"
    )
    ordering = django_filters.OrderingFilter(fields=["placed_at", "total", "id"])

    class Meta:
        model = Order
        fields = ["customer", "status"]
