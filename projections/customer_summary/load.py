"""Write-model I/O of the `customer_summary` projection."""

from collections.abc import Iterable, Sequence
from typing import Any

from commands.models import Customer
from projections.events import Event

FIELDS = ("id", "orders_count", "lifetime_value", "version")


def keys_for(event: Event) -> Iterable[str]:
    return [str(event.aggregate_id)]


def load(keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    rows = Customer.objects.filter(id__in=[int(k) for k in keys])
    return {str(row["id"]): row for row in rows.values(*FIELDS)}
