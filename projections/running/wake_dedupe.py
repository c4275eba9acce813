"""At most one queued run message per segment, however many wake-ups arrive.

A wake-up reserves `{ns}:wake:{projection}:{generation}:{segment}` with
SET NX PX before sending; the run clears it as it starts, so a wake-up that
arrives during a run queues exactly one follow-up. The expiry bounds the
damage of a lost message: the next tick sends again.
"""

import logging

import redis

from config import connections
from projections import naming, tunables

logger = logging.getLogger(__name__)


def wake_key(*, projection: str, generation: str, segment: int) -> str:
    return f"{naming.namespace()}:wake:{projection}:{generation}:{segment}"


def reserve_many(keys: list[str]) -> list[bool]:
    """Reserve each key; True where this caller should send the message.

    If Redis cannot be asked, send anyway: a duplicate run is harmless.
    """
    if not keys:
        return []
    ttl = int(tunables.get("WAKE_DEDUPE_MS"))
    try:
        pipe = connections.redis_client().pipeline(transaction=False)
        for key in keys:
            pipe.set(key, "1", nx=True, px=ttl)
        return [bool(ok) for ok in pipe.execute()]
    except redis.RedisError as exc:
        logger.warning("wake-up dedupe unavailable, sending anyway: %s", exc)
        return [True] * len(keys)


def clear(key: str) -> None:
    try:
        connections.redis_client().delete(key)
    except redis.RedisError as exc:
        logger.warning("could not clear wake-up key %s: %s", key, exc)
