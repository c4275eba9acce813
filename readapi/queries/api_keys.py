"""Redis reads of the `api_keys` read model, and the note of each key's last use."""

import logging
import threading
from dataclasses import dataclass

import redis

from config import connections
from projections.api_keys import schema
from readapi.queries.generations import read_hash

logger = logging.getLogger(__name__)

# Last use is noted at most once per USAGE_INTERVAL per key and process: a
# dict lookup on every request, a Redis write once a minute.
USAGE_INTERVAL = 60.0
_noted: dict[str, float] = {}
_noted_lock = threading.Lock()


@dataclass(frozen=True)
class ApiKeyRecord:
    """What the read API knows about a key: never the key itself."""

    key_hash: str
    name: str
    scopes: frozenset[str]
    active: bool
    expires_at: float | None = None

    def expired(self, *, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at


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
        expires_at=float(record["expires_at"]) if record.get("expires_at") else None,
    )


def note_use(key_hash: str, *, now: float) -> None:
    """Record that the key was used, unless this process did within the interval."""
    with _noted_lock:
        if now - _noted.get(key_hash, float("-inf")) < USAGE_INTERVAL:
            return
        _noted[key_hash] = now
    try:
        connections.redis_client().hset(schema.usage_key(), key_hash, f"{now:.0f}")
    except redis.RedisError as exc:
        # Best effort: the request is already authenticated, so answer it.
        logger.warning("could not note the use of an API key: %s", exc)
