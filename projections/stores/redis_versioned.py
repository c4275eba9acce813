"""Writes one generation of a Redis read model through a version-checking script.

Every write goes through `VERSIONED_WRITE`, which applies it only when its
version is greater than the stored one (kept in the hash's `version` field,
or for leaderboard members in a side hash), atomically inside Redis. So
duplicates, replays and reordering are harmless: counters are never
incremented, they are *set* to the state of a given version.
"""

import logging
from collections.abc import Callable, Sequence

import redis

from config import connections
from projections import naming
from projections.errors import StoreUnavailable
from projections.naming import HashSpace, RankSpace, RedisKeys
from projections.stores.backoff import Backoff
from projections.writes import HashWrite, RankWrite, Write

logger = logging.getLogger(__name__)

VERSIONED_WRITE = """
local mode = ARGV[1]
local incoming = tonumber(ARGV[2])
if mode == 'hash' then
  local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
  if incoming <= current then return 0 end
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'version', ARGV[2], unpack(ARGV, 3))
  return 1
elseif mode == 'rank' then
  local current = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
  if incoming <= current then return 0 end
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[2])
  if ARGV[5] == '1' then
    redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
  else
    redis.call('ZREM', KEYS[1], ARGV[3])
  end
  return 1
end
return redis.error_reply('unknown write mode ' .. tostring(mode))
"""


class RedisVersionedStore:
    def __init__(self, *, keys: RedisKeys, generation: str) -> None:
        projection = keys.projection
        self.projection = projection
        self.generation = generation
        self.keys = keys
        self.prefix = naming.redis_prefix(projection=projection, generation=generation)
        self.space = keys.at(generation)
        self.marker = naming.generation_marker(
            projection=projection, generation=generation
        )

    def ensure(self, *, live: bool) -> None:
        """Mark a new live generation and point readers at it if none is live yet.

        (A rebuilt generation is marked by its rebuild, see `rebuilds.targets`.)
        """
        if not live:
            return
        try:
            pipe = connections.redis_client().pipeline(transaction=True)
            pipe.set(self.marker, "1", nx=True)
            pipe.set(
                naming.generation_pointer(self.projection), self.generation, nx=True
            )
            pipe.execute()
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise StoreUnavailable(f"Redis unreachable: {exc}") from exc

    def missing(self) -> str | None:
        try:
            present = connections.redis_client().exists(self.marker)
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise StoreUnavailable(f"Redis unreachable: {exc}") from exc
        return None if present else f"Redis key {self.marker} is gone"

    def write(
        self, writes: Sequence[Write], *, keepalive: Callable[[], None] | None = None
    ) -> dict[int, str]:
        backoff = Backoff(what=f"Redis writes under {self.prefix}", keepalive=keepalive)
        while True:
            try:
                return self._send(writes)
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                backoff.wait(f"{type(exc).__name__}: {exc}")

    def _send(self, writes: Sequence[Write]) -> dict[int, str]:
        client = connections.redis_client()
        script = client.register_script(VERSIONED_WRITE)
        pipe = client.pipeline(transaction=False)
        for write in writes:
            keys, args = self._script_call(write)
            script(keys=keys, args=args, client=pipe)
        results = pipe.execute(raise_on_error=False)
        return {
            i: f"{type(result).__name__}: {result}"
            for i, result in enumerate(results)
            if isinstance(result, redis.ResponseError)
        }

    def _script_call(self, write: Write) -> tuple[list[str], list[str | int | float]]:
        space = self.space
        if isinstance(write, HashWrite) and isinstance(space, HashSpace):
            flat = [part for pair in sorted(write.fields.items()) for part in pair]
            return [space.entry(write.key)], ["hash", write.version, *flat]
        if isinstance(write, RankWrite) and isinstance(space, RankSpace):
            return (
                [space.board, space.versions],
                ["rank", write.version, write.member, write.score, int(write.present)],
            )
        raise TypeError(
            f"{self.projection} keeps {self.keys.layout} entries in Redis and "
            f"cannot apply {type(write).__name__}"
        )
