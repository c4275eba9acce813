"""Re-project drifted entries: force the freshly built state, delete extras.

The normal write path only applies a strictly newer version, so a stored
entry with the same version but other content (or, in Redis, a bogus newer
version) would refuse the fix. Repairs therefore force, but never past a
newer write the live projector makes meanwhile:

- OpenSearch: `version_type=external_gte` with the expected version. It
  replaces a document at the same (or an older) version in one atomic
  write; a concurrent projector write with a higher version still wins,
  and a late stale one still loses. Delete-and-reindex was rejected: it
  leaves a window where readers get a 404, and the delete's tombstone keeps
  a version for `index.gc_deletes`, which makes the re-index conflict.
  OpenSearch cannot lower an external version, so a document *ahead* of
  the write model gets the expected content at its stored version (a
  rebuild is what resets versions); it stays reported as ahead. A missing
  document deleted by hand less than `index.gc_deletes` ago is blocked by
  its delete's version: see `deletes_forgotten`.
- Redis: a script that replaces the entry if the expected version is >= the
  stored one, or if the stored version is still the one verification saw
  (compare-and-set), so an entry ahead is set back exactly.
- Extras (no row in the write model) are deleted: a row that never existed
  needs no tombstone, and products are soft-deleted, so a deleted product
  keeps its row and gets its tombstone document as an expected entry.
"""

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import redis
from opensearchpy import helpers

from config import connections
from projections import naming
from projections.naming import HashSpace, RankKeys, RankSpace
from projections.registry import ProjectionSpec
from projections.stores.opensearch_index import OK, classify, describe
from projections.verification.entries import Entry

Pair = tuple[Entry, Entry | None]  # (expected, stored)

UNBURY_ATTEMPTS = 5
UNBURY_PAUSE = 0.25

REPAIR_HASH = """
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
local incoming = tonumber(ARGV[1])
if incoming >= current or current == tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'version', ARGV[1], unpack(ARGV, 3))
  return 1
end
return 0
"""

REPAIR_RANK = """
local current = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
local incoming = tonumber(ARGV[1])
if incoming >= current or current == tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[2], ARGV[3], ARGV[1])
  if ARGV[4] == '' then
    redis.call('ZREM', KEYS[1], ARGV[3])
  else
    redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
  end
  return 1
end
return 0
"""


class Repairer(Protocol):
    def repair(self, pairs: Sequence[Pair]) -> list[str]:
        """Force the expected entries; return the failures as text."""
        ...

    def remove(self, keys: Sequence[str]) -> list[str]:
        """Delete extra entries; return the failures as text."""
        ...


class IndexRepairer:
    def __init__(self, *, index: str) -> None:
        self.index = index

    def repair(self, pairs: Sequence[Pair]) -> list[str]:
        items = self._send([self._index_action(pair) for pair in pairs])
        # A 409 for a document that is absent comes from a recent delete's
        # tombstone, which carries a version above the expected one.
        buried = [
            pair
            for pair, item in zip(pairs, items, strict=True)
            if pair[1] is None and item.get("status") == 409
        ]
        failures = _index_failures(items)
        if buried:
            failures.extend(self._unbury(buried))
        return failures

    def remove(self, keys: Sequence[str]) -> list[str]:
        actions = [
            {"_op_type": "delete", "_index": self.index, "_id": key} for key in keys
        ]
        items = self._send(actions)
        # 404: already gone.
        return _index_failures([item for item in items if item.get("status") != 404])

    def _unbury(self, pairs: Sequence[Pair]) -> list[str]:
        """Write documents whose recent delete still holds a higher version."""
        with deletes_forgotten(self.index):
            for _ in range(UNBURY_ATTEMPTS):
                items = self._send([self._index_action(pair) for pair in pairs])
                still = [
                    pair
                    for pair, item in zip(pairs, items, strict=True)
                    if item.get("status") == 409 and not self._exists(pair[0].key)
                ]
                if not still:
                    return _index_failures(items)
                pairs = still
                # Tombstones are pruned on refresh once older than gc_deletes;
                # OpenSearch's clock is coarse, so give it a moment.
                time.sleep(UNBURY_PAUSE)
                connections.opensearch().indices.refresh(index=self.index)
        return [
            f"{expected.key}: a recent delete still blocks it" for expected, _ in pairs
        ]

    def _exists(self, key: str) -> bool:
        return bool(connections.opensearch().exists(index=self.index, id=key))

    def _index_action(self, pair: Pair) -> dict[str, Any]:
        expected, stored = pair
        floor = stored.version if stored is not None else 0
        return {
            "_op_type": "index",
            "_index": self.index,
            "_id": expected.key,
            "version": max(expected.version, floor),
            "version_type": "external_gte",
            "_source": expected.content,
        }

    def _send(self, actions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One bulk; every action's result item, in order."""
        results = helpers.streaming_bulk(
            connections.opensearch(),
            actions,
            raise_on_error=False,
            raise_on_exception=False,
            refresh="wait_for",
        )
        return [next(iter(result.values())) for _, result in results]


@contextmanager
def deletes_forgotten(index: str) -> Iterator[None]:
    """Let OpenSearch drop the versions it keeps of recently deleted documents.

    It keeps them for `index.gc_deletes` (60 s) so a late write cannot
    resurrect a deleted document. The projections never delete documents
    (a deletion is a tombstone document with its own version), so these
    versions only ever come from hand-made deletes, and forgetting them
    for a moment costs no guarantee. The setting is restored on the way out.
    """
    client = connections.opensearch()
    previous = explicit_gc_deletes(index)
    client.indices.put_settings(index=index, body={"index": {"gc_deletes": "0s"}})
    try:
        client.indices.refresh(index=index)
        yield
    finally:
        client.indices.put_settings(
            index=index, body={"index": {"gc_deletes": previous}}
        )


def explicit_gc_deletes(index: str) -> str | None:
    """The index's own `gc_deletes`, or None where it uses the default.

    Asked by name, OpenSearch answers `{}` for a setting left at its default,
    and `index` may be an alias (the answer is keyed by the concrete index).
    None restores the default when put back.
    """
    answer = connections.opensearch().indices.get_settings(
        index=index, name="index.gc_deletes"
    )
    for found in answer.values():
        value = found.get("settings", {}).get("index", {}).get("gc_deletes")
        if value is not None:
            return str(value)
    return None


def _index_failures(items: Sequence[dict[str, Any]]) -> list[str]:
    """Items OpenSearch refused for good (409: a newer write landed: fine)."""
    return [
        f"{item.get('_id')}: {describe(item)}" for item in items if classify(item) != OK
    ]


class HashRepairer:
    def __init__(self, *, space: HashSpace) -> None:
        self.space = space

    def repair(self, pairs: Sequence[Pair]) -> list[str]:
        client = connections.redis_client()
        script = client.register_script(REPAIR_HASH)
        pipe = client.pipeline(transaction=False)
        for expected, stored in pairs:
            flat = [part for item in sorted(expected.content.items()) for part in item]
            script(
                keys=[self.space.entry(expected.key)],
                args=[expected.version, _observed(stored), *flat],
                client=pipe,
            )
        return _failures(pairs=pairs, results=pipe.execute(raise_on_error=False))

    def remove(self, keys: Sequence[str]) -> list[str]:
        if keys:
            connections.redis_client().delete(*(self.space.entry(k) for k in keys))
        return []


class RankRepairer:
    def __init__(self, *, space: RankSpace) -> None:
        self.board = space.board
        self.versions = space.versions

    def repair(self, pairs: Sequence[Pair]) -> list[str]:
        client = connections.redis_client()
        script = client.register_script(REPAIR_RANK)
        pipe = client.pipeline(transaction=False)
        for expected, stored in pairs:
            score = expected.content["score"]
            script(
                keys=[self.board, self.versions],
                args=[
                    expected.version,
                    _observed(stored),
                    expected.key,
                    "" if score is None else score,
                ],
                client=pipe,
            )
        return _failures(pairs=pairs, results=pipe.execute(raise_on_error=False))

    def remove(self, keys: Sequence[str]) -> list[str]:
        if keys:
            pipe = connections.redis_client().pipeline(transaction=True)
            pipe.zrem(self.board, *keys)
            pipe.hdel(self.versions, *keys)
            pipe.execute()
        return []


def repairer_for(*, spec: ProjectionSpec, generation: str) -> Repairer:
    if spec.store == "opensearch":
        return IndexRepairer(
            index=naming.index_name(projection=spec.name, generation=generation)
        )
    if isinstance(spec.key_layout, RankKeys):
        return RankRepairer(space=spec.key_layout.at(generation))
    return HashRepairer(space=spec.key_layout.at(generation))


def _observed(stored: Entry | None) -> int:
    """The stored version verification saw (-1: none), for compare-and-set."""
    return -1 if stored is None else stored.version


def _failures(*, pairs: Sequence[Pair], results: list[Any]) -> list[str]:
    return [
        f"{expected.key}: {result}"
        for (expected, _), result in zip(pairs, results, strict=True)
        if isinstance(result, redis.ResponseError)
    ]
