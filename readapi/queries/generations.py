"""Reads of Redis read models through their generation pointer, atomically."""

from functools import cache
from typing import Any

from redis.commands.core import Script

from config import connections
from projections import naming
from readapi.queries.search import ReadModelMissing

# Resolving the pointer and reading the key in one script means a generation
# swap (and the cleanup of the old one) can never fall between the two reads.
# A generation without its marker lost its data (projections/lifecycle/losses.py): no
# answer (false) rather than a "not found" that is not true.
READ_HASH = """
local generation = redis.call('GET', KEYS[1])
if not generation then
  return false
end
if redis.call('EXISTS', ARGV[1] .. generation .. ARGV[3]) == 0 then
  return false
end
return redis.call('HGETALL', ARGV[1] .. generation .. ARGV[2])
"""


def read_hash(*, projection: str, suffix: str) -> dict[str, str] | None:
    """The hash `{ns}:{projection}:{live generation}:{suffix}`, None when absent.

    `ReadModelMissing` when the read model is not there at all (never built,
    or lost and being rebuilt).
    """
    flat = _script(READ_HASH)(
        keys=[naming.generation_pointer(projection)],
        args=[key_prefix(projection), f":{suffix}", marker_suffix()],
        client=connections.redis_client(),
    )
    if flat is None:
        raise ReadModelMissing(projection)
    return pairs(flat) or None


def key_prefix(projection: str) -> str:
    """`{ns}:{projection}:`, to which a script appends the live generation."""
    return naming.redis_prefix(projection=projection, generation="")


def marker_suffix() -> str:
    """`:marker`, appended to `{ns}:{projection}:{generation}` by the scripts."""
    return f":{naming.MARKER}"


def pairs(flat: list[Any]) -> dict[str, Any]:
    """A flat [field, value, ...] reply as a dict."""
    return dict(zip(flat[::2], flat[1::2], strict=True))


@cache
def _script(source: str) -> Script:
    return connections.redis_client().register_script(source)
