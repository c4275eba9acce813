"""Read what one generation of a read model holds, in chunks.

`fetch` answers for given keys (OpenSearch `mget`, which is real-time;
pipelined Redis reads); `scan_keys` walks every key the store holds (an
OpenSearch scroll without sources; Redis SCAN/HSCAN/ZSCAN), so documents
nobody expects can be found without holding every key in memory.
"""

from collections.abc import Iterator, Sequence
from typing import Protocol

from opensearchpy import helpers

from config import connections
from projections import naming
from projections.naming import HashSpace, RankKeys, RankSpace
from projections.registry import ProjectionSpec
from projections.sources import chunked
from projections.verification.entries import Entry


class StoredReader(Protocol):
    def fetch(self, keys: Sequence[str]) -> dict[str, Entry]:
        """The stored entries of those `keys` that exist."""
        ...

    def scan_keys(self, *, chunk: int) -> Iterator[list[str]]:
        """Every key the store holds, in chunks of about `chunk`."""
        ...


class IndexReader:
    def __init__(self, *, index: str) -> None:
        self.index = index

    def fetch(self, keys: Sequence[str]) -> dict[str, Entry]:
        if not keys:
            return {}
        reply = connections.opensearch().mget(
            index=self.index, body={"ids": list(keys)}
        )
        return {
            doc["_id"]: Entry(doc["_id"], int(doc["_version"]), doc["_source"])
            for doc in reply["docs"]
            if doc.get("found")
        }

    def scan_keys(self, *, chunk: int) -> Iterator[list[str]]:
        client = connections.opensearch()
        client.indices.refresh(index=self.index)
        hits = helpers.scan(
            client,
            index=self.index,
            query={"query": {"match_all": {}}, "_source": False},
            size=chunk,
        )
        return chunked((hit["_id"] for hit in hits), size=chunk)


class HashReader:
    def __init__(self, *, space: HashSpace) -> None:
        self.space = space

    def fetch(self, keys: Sequence[str]) -> dict[str, Entry]:
        pipe = connections.redis_client().pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(self.space.entry(key))
        found = {}
        for key, fields in zip(keys, pipe.execute(), strict=True):
            if fields:
                version = int(fields.pop("version", 0))
                found[key] = Entry(key, version, fields)
        return found

    def scan_keys(self, *, chunk: int) -> Iterator[list[str]]:
        scanned = connections.redis_client().scan_iter(
            match=self.space.pattern(), count=chunk
        )
        # The generation's marker (projections/lifecycle/losses.py) is not a document.
        keys = (self.space.entry_key(redis_key) for redis_key in scanned)
        return chunked((key for key in keys if key is not None), size=chunk)


class RankReader:
    """A leaderboard: members in a sorted set, their versions in a side hash."""

    def __init__(self, *, space: RankSpace) -> None:
        self.board = space.board
        self.versions = space.versions

    def fetch(self, keys: Sequence[str]) -> dict[str, Entry]:
        pipe = connections.redis_client().pipeline(transaction=False)
        for key in keys:
            pipe.zscore(self.board, key)
            pipe.hget(self.versions, key)
        replies = pipe.execute()
        found = {}
        for key, score, version in zip(keys, replies[::2], replies[1::2], strict=True):
            if score is not None or version is not None:
                content = {"score": None if score is None else float(score)}
                found[key] = Entry(key, int(version or 0), content)
        return found

    def scan_keys(self, *, chunk: int) -> Iterator[list[str]]:
        yield from chunked(self._members(chunk), size=chunk)

    def _members(self, chunk: int) -> Iterator[str]:
        """Members with a version, then ranked members without one."""
        client = connections.redis_client()
        for member, _ in client.hscan_iter(self.versions, count=chunk):
            yield member
        ranked = (member for member, _ in client.zscan_iter(self.board, count=chunk))
        for members in chunked(ranked, size=chunk):
            pipe = client.pipeline(transaction=False)
            for member in members:
                pipe.hexists(self.versions, member)
            for member, versioned in zip(members, pipe.execute(), strict=True):
                if not versioned:
                    yield member


def reader_for(*, spec: ProjectionSpec, generation: str) -> StoredReader:
    if spec.store == "opensearch":
        return IndexReader(
            index=naming.index_name(projection=spec.name, generation=generation)
        )
    if isinstance(spec.key_layout, RankKeys):
        return RankReader(space=spec.key_layout.at(generation))
    return HashReader(space=spec.key_layout.at(generation))
