"""Write-model I/O of the `orders` projection: affected keys and current state."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from commands import events
from commands.models import Order, OrderLine
from projections.events import Event
from projections.orders.fold import OrderRow

ORDER_FIELDS = (
    "id",
    "customer_id",
    "status",
    "currency",
    "total",
    "placed_at",
    "paid_at",
    "shipped_at",
    "cancelled_at",
    "version",
)
CUSTOMER_FIELDS = {
    "customer__name": "name",
    "customer__email": "email",
    "customer__stamp": "stamp",
}
LINE_FIELDS = (
    "order_id",
    "product_id",
    "sku",
    "name",
    "quantity",
    "unit_price",
    "line_total",
)

# Only these customer events change what an order document shows (name, email);
# stats changes bump the customer's version but leave its orders' documents alone.
CUSTOMER_DETAIL_EVENTS = frozenset({events.CUSTOMER_UPDATED})


def keys_for(event: Event) -> Iterable[str]:
    """Order ids whose document the event changes (a renamed customer: all theirs)."""
    if event.aggregate_type == events.ORDER:
        return [str(event.aggregate_id)]
    if event.event_type in CUSTOMER_DETAIL_EVENTS:
        orders = Order.objects.filter(customer_id=int(event.aggregate_id))
        return [str(pk) for pk in orders.order_by("id").values_list("id", flat=True)]
    return []


def load(keys: Sequence[str]) -> dict[str, OrderRow]:
    """Orders with their lines and customer, in the caller's snapshot."""
    ids = [int(key) for key in keys]
    lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in (
        OrderLine.objects.filter(order_id__in=ids).order_by("id").values(*LINE_FIELDS)
    ):
        lines[line["order_id"]].append(line)
    rows = Order.objects.filter(id__in=ids).values(*ORDER_FIELDS, *CUSTOMER_FIELDS)
    return {str(row["id"]): _row(row, lines=lines[row["id"]]) for row in rows}


def _row(row: dict[str, Any], *, lines: list[dict[str, Any]]) -> OrderRow:
    customer = {name: row.pop(field) for field, name in CUSTOMER_FIELDS.items()}
    return OrderRow(order=row, lines=lines, customer=customer)
