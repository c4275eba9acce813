"""When each API key was last used, as the read API noted it (shown in the admin).

Not part of the projection (it is an observation of the read side, not state
of the write model): the hash `schema.usage_key()` maps key hash -> Unix
seconds, outside any generation so a rebuild keeps it. The read API writes it
(readapi/queries/api_keys.py: `note_use`).
"""

from config import connections
from projections.api_keys import schema


def last_used(key_hashes: list[str]) -> dict[str, float]:
    """Unix seconds of each key's last noted use (keys never used are absent)."""
    if not key_hashes:
        return {}
    values = connections.redis_client().hmget(schema.usage_key(), key_hashes)
    return {h: float(v) for h, v in zip(key_hashes, values, strict=True) if v}
