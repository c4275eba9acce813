"""Pure fold of a customer's summary hash."""

from collections.abc import Mapping
from typing import Any

from projections.products.fold import money
from projections.writes import HashWrite


def build_summary(row: Mapping[str, Any]) -> HashWrite:
    return HashWrite(
        key=str(row["id"]),
        version=int(row["version"]),
        fields={
            "orders_count": str(int(row["orders_count"])),
            "lifetime_value": money(row["lifetime_value"]),
        },
    )
