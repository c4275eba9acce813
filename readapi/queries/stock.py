"""Redis reads of the `stock` read model."""

from typing import Any

from projections.stock import schema
from readapi.queries.generations import read_hash

FIELDS = ("on_hand", "reserved", "available", "units_sold", "version")


def stock_level(product_id: int) -> dict[str, Any] | None:
    """On hand, reserved and available units of a product, or None when unknown."""
    record = read_hash(projection=schema.PROJECTION, suffix=str(product_id))
    if record is None:
        return None
    return {
        "product_id": product_id,
        **{name: int(record.get(name) or 0) for name in FIELDS},
    }
