"""Query parameters of the order list."""

import django_filters

from readapi.filtering import DateTimeFilter, IntegerFilter
from readapi.keyset_filters import KeysetFilterSet
from readapi.queries import orders

STATUSES = [
    ("placed", "Placed"),
    ("paid", "Paid"),
    ("shipped", "Shipped"),
    ("cancelled", "Cancelled"),
]
LONG_MAX = 2**63 - 1


class OrderListFilterSet(KeysetFilterSet):
    clause_builders = orders.CLAUSES
    view_parameters = KeysetFilterSet.view_parameters | {"ordering"}

    customer = IntegerFilter(
        label="Customer", help_text="Customer id.", min_value=1, max_value=LONG_MAX
    )
    status = django_filters.ChoiceFilter(
        label="Status", help_text="Order status.", choices=STATUSES
    )
    placed_after = DateTimeFilter(
        label="Placed after", help_text="Inclusive ISO 8601 date-time."
    )
    placed_before = DateTimeFilter(
        label="Placed before", help_text="Exclusive ISO 8601 date-time."
    )
    ordering = django_filters.ChoiceFilter(
        label="Ordering",
        help_text=f"Default: {orders.DEFAULT_ORDERING} (newest first).",
        choices=[(value, value) for value in orders.ORDERINGS],
    )
