"""Publish how far a projection has come, for the read API's read-your-writes.

The watermark of a projection is a snapshot that sees only what every segment
checkpoint of its live generation sees (`visibility.common`): the events of
every transaction it sees have been applied. A read that carries consistency
token T (a writer's committed txid) is fresh once the watermark sees T. The read
API evaluates that in Python (`visibility.TxSnapshot.sees`), without a database.
"""

import logging

import redis

from config import connections
from projections import naming
from projections.models import SegmentCheckpoint
from projections.visibility import TxSnapshot, common

logger = logging.getLogger(__name__)

# Concurrent runners publish concurrently: only ever move the mark forward.
# Successive watermarks of a generation see ever more (checkpoints only move
# forward), so "further" is a larger xmax, or the same xmax with fewer running
# transactions. Numbers are compared as digit strings (no float rounding); a
# bare number (an old watermark N) counts as `N:N:`.
RAISE_ONLY = """
local function rank(value)
  if not value then return '', 0 end
  local xmax, xip = string.match(value, '^%d+:(%d+):(.*)$')
  if not xmax then return value, 0 end
  local running = 0
  if xip ~= '' then running = select(2, string.gsub(xip, ',', '')) + 1 end
  return xmax, running
end
local function further(a, b)
  if #a ~= #b then return #a > #b end
  return a > b
end
local new_xmax, new_running = rank(ARGV[1])
local old_xmax, old_running = rank(redis.call('GET', KEYS[1]))
if further(new_xmax, old_xmax)
   or (new_xmax == old_xmax and new_running < old_running) then
  redis.call('SET', KEYS[1], ARGV[1])
  return 1
end
return 0
"""


def applied_snapshot(*, projection: str, generation: str) -> TxSnapshot:
    """What every segment of the generation has applied (sees nothing if none)."""
    rows = SegmentCheckpoint.objects.filter(
        projection=projection, generation=generation
    ).values_list("checkpoint_snapshot", flat=True)
    found = common(TxSnapshot.parse(text) for text in rows)
    return found or TxSnapshot.below(1)


def current_horizon(*, projection: str, generation: str) -> int:
    """A txid below which the generation has applied every event (0 if none)."""
    rows = SegmentCheckpoint.objects.filter(
        projection=projection, generation=generation
    ).values_list("checkpoint_snapshot", flat=True)
    found = common(TxSnapshot.parse(text) for text in rows)
    return found.xmin if found else 0


def publish(*, projection: str, generation: str) -> TxSnapshot:
    """Raise the projection's watermark in Redis to the live generation's checkpoints."""
    snapshot = applied_snapshot(projection=projection, generation=generation)
    client = connections.redis_client()
    try:
        client.register_script(RAISE_ONLY)(
            keys=[naming.watermark_key(projection)], args=[str(snapshot)]
        )
    except redis.RedisError as exc:
        # Advisory only: the next run publishes again.
        logger.warning("watermark of %s not published: %s", projection, exc)
    return snapshot


def publish_many(snapshots: dict[str, TxSnapshot]) -> None:
    """Raise several projections' watermarks in one Redis round trip."""
    client = connections.redis_client()
    script = client.register_script(RAISE_ONLY)
    pipe = client.pipeline(transaction=False)
    for projection, snapshot in snapshots.items():
        script(
            keys=[naming.watermark_key(projection)], args=[str(snapshot)], client=pipe
        )
    try:
        pipe.execute()
    except redis.RedisError as exc:
        logger.warning("watermarks not published: %s", exc)


def read(projection: str) -> TxSnapshot:
    """The published watermark of `projection` (sees nothing if none yet)."""
    raw = connections.redis_client().get(naming.watermark_key(projection))
    return TxSnapshot.parse(raw.decode() if isinstance(raw, bytes) else raw or "1")
