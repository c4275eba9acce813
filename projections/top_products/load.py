"""Write-model I/O of the `top_products` projection."""

from collections.abc import Iterable, Sequence
from typing import Any

from commands.models import StockItem
from projections.events import Event

FIELDS = ("product_id", "units_sold", "version", "product__version", "product__deleted")


def keys_for(event: Event) -> Iterable[str]:
    """The product a stock change or a product change (e.g. a delete) concerns."""
    return [str(event.aggregate_id)]


def load(keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    rows = StockItem.objects.filter(product_id__in=[int(k) for k in keys])
    return {str(row["product_id"]): row for row in rows.values(*FIELDS)}
