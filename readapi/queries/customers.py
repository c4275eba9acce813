"""Redis reads of the `customer_summary` read model."""

from typing import Any

from projections.customer_summary import schema
from readapi.queries.generations import read_hash


def customer_summary(customer_id: int) -> dict[str, Any] | None:
    """Order count and lifetime value of a customer, or None when unknown."""
    record = read_hash(projection=schema.PROJECTION, suffix=str(customer_id))
    if record is None:
        return None
    return {
        "customer_id": customer_id,
        "orders_count": int(record.get("orders_count") or 0),
        "lifetime_value": record.get("lifetime_value") or "0",
        "currency": record.get("currency") or None,
        "version": int(record.get("version") or 0),
    }
