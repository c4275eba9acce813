"""Redis reads of the `api_keys` read model."""

from dataclasses import dataclass

from projections.api_keys import schema
from readapi.queries.generations import read_hash


@dataclass(frozen=True)
class ApiKeyRecord:
    """What the read API knows about a key: never the key itself."""

    key_hash: str
    name: str
    scopes: frozenset[str]
    active: bool


def find_key(key_hash: str) -> ApiKeyRecord | None:
    """The key with this sha256 hex digest, or None when never issued."""
    record = read_hash(projection=schema.PROJECTION, suffix=key_hash)
    if record is None:
        return None
    scopes = frozenset(
        s.strip() for s in record.get("scopes", "").split(",") if s.strip()
    )
    return ApiKeyRecord(
        key_hash=key_hash,
        name=record.get("name", ""),
        scopes=scopes,
        active=record.get("active") == "1",
    )
