"""Pure fold of a product's stock hash."""

from collections.abc import Mapping
from typing import Any

from projections.writes import HashWrite


def build_stock_hash(row: Mapping[str, Any]) -> HashWrite:
    on_hand, reserved = int(row["on_hand"]), int(row["reserved"])
    return HashWrite(
        key=str(row["product_id"]),
        version=int(row["version"]),
        fields={
            "on_hand": str(on_hand),
            "reserved": str(reserved),
            "available": str(on_hand - reserved),
            "units_sold": str(int(row["units_sold"])),
        },
    )
