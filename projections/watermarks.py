"""Publish how far a projection has come, for the read API's read-your-writes.

The watermark of a projection is the smallest segment horizon of its live
generation: every event with a smaller txid has been applied. A read that
carries consistency token T waits until the watermark is greater than T.
"""

import logging

import redis
from django.db.models import Min

from config import connections
from projections import naming
from projections.models import SegmentCheckpoint

logger = logging.getLogger(__name__)

# Concurrent runners publish concurrently: only ever move the mark forward.
RAISE_ONLY = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if tonumber(ARGV[1]) > current then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0
"""


def current_horizon(*, projection: str, generation: str) -> int:
    """The smallest horizon over the generation's segments (0 if none)."""
    result = SegmentCheckpoint.objects.filter(
        projection=projection, generation=generation
    ).aggregate(horizon=Min("horizon"))
    return int(result["horizon"] or 0)


def publish(*, projection: str, generation: str) -> int:
    """Raise the projection's watermark in Redis to the live generation's horizon."""
    horizon = current_horizon(projection=projection, generation=generation)
    client = connections.redis_client()
    try:
        client.register_script(RAISE_ONLY)(
            keys=[naming.watermark_key(projection)], args=[horizon]
        )
    except redis.RedisError as exc:
        # Advisory only: the next run publishes again.
        logger.warning("watermark of %s not published: %s", projection, exc)
    return horizon


def publish_many(horizons: dict[str, int]) -> None:
    """Raise several projections' watermarks in one Redis round trip."""
    client = connections.redis_client()
    script = client.register_script(RAISE_ONLY)
    pipe = client.pipeline(transaction=False)
    for projection, horizon in horizons.items():
        script(keys=[naming.watermark_key(projection)], args=[horizon], client=pipe)
    try:
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("watermarks not published: %s", exc)


def read(projection: str) -> int:
    """The published watermark of `projection` (0 if none yet)."""
    return int(connections.redis_client().get(naming.watermark_key(projection)) or 0)
