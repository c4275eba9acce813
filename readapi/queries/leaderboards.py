"""Keyset pages of the top-products leaderboard (a Redis sorted set)."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from redis.commands.core import Script

from config import connections
from projections import naming
from projections.top_products import schema
from readapi.queries.generations import key_prefix, marker_suffix
from readapi.queries.search import KeysetPage, ReadModelMissing

# Highest score first; equal scores in descending member order (Redis' own
# reverse order). A page starts strictly after or ends strictly before an
# anchor (score, member); the anchor's place is found by binary search inside
# its run of equal scores, so a page is never addressed by an offset and the
# anchor need not still be in the set. Members compare bytewise, like Redis.
PAGE = """
local generation = redis.call('GET', KEYS[1])
if not generation then
  return false
end
if redis.call('EXISTS', ARGV[1] .. generation .. ARGV[7]) == 0 then
  return false  -- lost (projections/lifecycle/losses.py): never an empty page
end
local board = ARGV[1] .. generation .. ARGV[2]
local mode, score, member, count = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])

local function bytes_before(a, b)
  local n = math.min(#a, #b)
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return #a < #b
end

local function boundary(strictly_after)
  local lo = redis.call('ZCOUNT', board, '(' .. score, '+inf')
  local hi = lo + redis.call('ZCOUNT', board, score, score)
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    local other = redis.call('ZRANGE', board, mid, mid, 'REV')[1]
    local past
    if strictly_after then
      past = bytes_before(other, member)
    else
      past = not bytes_before(member, other)
    end
    if past then
      hi = mid
    else
      lo = mid + 1
    end
  end
  return lo
end

local start, stop
if mode == 'first' then
  start, stop = 0, count - 1
elseif mode == 'after' then
  start = boundary(true)
  stop = start + count - 1
else
  stop = boundary(false) - 1
  start = math.max(0, stop - count + 1)
end
if stop < start then
  return {start, {}}
end
return {start, redis.call('ZRANGE', board, start, stop, 'REV', 'WITHSCORES')}
"""


@dataclass(frozen=True)
class BoardRequest:
    """A page of `size` entries after (or before) the anchor `(score, member)`."""

    size: int
    anchor: tuple[str, str] | None = None
    backwards: bool = False


def top_products(request: BoardRequest) -> KeysetPage:
    """One page of the leaderboard, best sellers first."""
    mode, score, member = "first", "", ""
    if request.anchor is not None:
        mode = "before" if request.backwards else "after"
        score, member = request.anchor
    reply = _script()(
        keys=[naming.generation_pointer(schema.PROJECTION)],
        args=[
            key_prefix(schema.PROJECTION),
            ":board",
            mode,
            score,
            member,
            request.size + 1,
            marker_suffix(),
        ],
        client=connections.redis_client(),
    )
    if reply is None:
        raise ReadModelMissing(schema.PROJECTION)
    start, flat = int(reply[0]), reply[1]
    entries = list(zip(flat[::2], flat[1::2], strict=True))
    return _page(entries=entries, start=start, request=request)


def _page(
    *, entries: list[tuple[str, str]], start: int, request: BoardRequest
) -> KeysetPage:
    has_more = len(entries) > request.size
    if has_more and request.backwards:
        entries, start = entries[1:], start + 1
    else:
        entries = entries[: request.size]
    rows: list[dict[str, Any]] = [
        {
            "rank": start + offset + 1,
            "product_id": int(member),
            "units_sold": int(float(score)),
        }
        for offset, (member, score) in enumerate(entries)
    ]
    return KeysetPage(
        rows=rows,
        keys=[[score, member] for member, score in entries],
        has_more=has_more,
    )


@cache
def _script() -> Script:
    return connections.redis_client().register_script(PAGE)
