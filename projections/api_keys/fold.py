"""Pure fold of an API key's hash (what the read API authenticates against)."""

from collections.abc import Mapping
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
        },
    )
