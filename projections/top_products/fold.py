"""Pure fold of a product's place on the top-sellers leaderboard."""

from collections.abc import Mapping
from typing import Any

from projections.writes import RankWrite


def build_rank(row: Mapping[str, Any]) -> RankWrite:
    """Score = units sold; unsold or deleted products leave the board.

    The version is stock + product version, so a delete (a product change)
    outranks every earlier stock change.
    """
    units_sold = int(row["units_sold"])
    return RankWrite(
        member=str(row["product_id"]),
        score=float(units_sold),
        version=int(row["version"]) + int(row["product__version"]),
        present=units_sold > 0 and not row["product__deleted"],
    )
