"""Write-model I/O of the `stock` projection."""

from collections.abc import Iterable, Sequence
from typing import Any

from commands.models import StockItem
from projections.events import Event

FIELDS = ("product_id", "on_hand", "reserved", "units_sold", "version")


def keys_for(event: Event) -> Iterable[str]:
    return [str(event.aggregate_id)]


def load(keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    rows = StockItem.objects.filter(product_id__in=[int(k) for k in keys])
    return {str(row["product_id"]): row for row in rows.values(*FIELDS)}
