"""Pure fold of an API key's hash (what the read API authenticates against)."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from projections.writes import HashWrite


def build_api_key(row: Mapping[str, Any]) -> HashWrite:
    return HashWrite(
        key=str(row["key_hash"]),
        version=int(row["version"]),
        fields={
            "name": str(row["name"]),
            "scopes": ",".join(row["scopes"]),
            "active": "1" if row["active"] else "0",
            "expires_at": _epoch(row.get("expires_at")),
        },
    )


def _epoch(moment: datetime | None) -> str:
    """Unix seconds, which the read API compares with its clock; "" never expires."""
    return "" if moment is None else f"{moment.timestamp():.3f}"
