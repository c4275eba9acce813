"""Events applied per minute by each projection generation: the ops console's sparkline.

Every committed batch adds the number of events it applied to a Redis counter
of the current minute, `{ns}:throughput:{projection}:{generation}:{minute}`,
which expires after two hours. That is one pipelined INCRBY + EXPIRE per
batch (never per event), nothing in PostgreSQL, and the last hour of one
generation is a single MGET of 60 keys.
"""

import logging
import time

from redis.exceptions import RedisError

from config import connections
from projections import naming

logger = logging.getLogger(__name__)

WINDOW_MINUTES = 60
KEEP_SECONDS = 2 * 3600


def counter_key(*, projection: str, generation: str, minute: int) -> str:
    """The counter of one minute (minutes since the epoch) of one generation."""
    return f"{naming.namespace()}:throughput:{projection}:{generation}:{minute}"


def record(
    *, projection: str, generation: str, events: int, now: float | None = None
) -> None:
    """Count `events` applied now; a Redis error only costs the sparkline a dot."""
    if events <= 0:
        return
    minute = int(time.time() if now is None else now) // 60
    key = counter_key(projection=projection, generation=generation, minute=minute)
    try:
        pipeline = connections.redis_client().pipeline(transaction=False)
        pipeline.incrby(key, events)
        pipeline.expire(key, KEEP_SECONDS)
        pipeline.execute()
    except RedisError as exc:
        # The batch is already applied and its checkpoint advanced: a lost
        # count must not fail the run (the next batch retries nothing).
        logger.warning("throughput of %s not recorded: %s", projection, exc)


def per_minute(
    *,
    projection: str,
    generation: str,
    minutes: int = WINDOW_MINUTES,
    now: float | None = None,
) -> list[int]:
    """Events applied in each of the last `minutes` minutes, oldest first."""
    current = int(time.time() if now is None else now) // 60
    keys = [
        counter_key(projection=projection, generation=generation, minute=minute)
        for minute in range(current - minutes + 1, current + 1)
    ]
    values = connections.redis_client().mget(keys)
    return [int(value or 0) for value in values]
