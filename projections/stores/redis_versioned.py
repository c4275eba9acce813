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
from projections.backoff import Backoff
from projections.errors import StoreUnavailable
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

BOARD = "board"
BOARD_VERSIONS = "versions"


class RedisVersionedStore:
    def __init__(self, *, projection: str, generation: str) -> None:
        self.projection = projection
        self.generation = generation
        self.prefix = naming.redis_prefix(projection=projection, generation=generation)

    def ensure(self, *, live: bool) -> None:
        """Point readers at this generation if no generation is live yet."""
        if not live:
            return
        try:
            connections.redis_client().set(
                naming.generation_pointer(self.projection), self.generation, nx=True
            )
        except (redis.ConnectionError, redis.TimeoutError) as exc:
            raise StoreUnavailable(f"Redis unreachable: {exc}") from exc

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
        if isinstance(write, HashWrite):
            flat = [part for pair in sorted(write.fields.items()) for part in pair]
            return [f"{self.prefix}:{write.key}"], ["hash", write.version, *flat]
        if isinstance(write, RankWrite):
            return (
                [f"{self.prefix}:{BOARD}", f"{self.prefix}:{BOARD_VERSIONS}"],
                ["rank", write.version, write.member, write.score, int(write.present)],
            )
        raise TypeError(f"a Redis store cannot apply {type(write).__name__}")
