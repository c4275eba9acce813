"""Names of read-model stores: aliases, generation indices, Redis keys.

A Redis projection's `schema.py` declares its key layout once
(`KEYS = HashKeys(PROJECTION)` or `RankKeys(PROJECTION)`); the store, the
rebuild, verification and tests ask that object for key names.

Imports nothing from `commands`, so the read API may use it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from django.conf import settings


def namespace() -> str:
    return str(settings.CQRS["NAMESPACE"])


def alias(projection: str) -> str:
    """The OpenSearch alias readers use for a projection."""
    return f"{namespace()}-{projection}"


def index_name(*, projection: str, generation: str) -> str:
    """The concrete OpenSearch index of one generation of a projection."""
    return f"{alias(projection)}-{generation}"


def generation_pointer(projection: str) -> str:
    """The Redis key holding the live generation id of a Redis projection."""
    return f"{namespace()}:gen:{projection}"


def redis_prefix(*, projection: str, generation: str) -> str:
    """Prefix of every Redis key of one generation of a projection."""
    return f"{namespace()}:{projection}:{generation}"


def watermark_key(projection: str) -> str:
    """Redis key of the txid every event below which the projection has applied."""
    return f"{namespace()}:watermark:{projection}"


def generation_marker(*, projection: str, generation: str) -> str:
    """The Redis key written when a generation's namespace is created.

    It lives among the generation's keys, so whatever empties the namespace
    (FLUSHALL, a restart without data, a hand-run delete) takes it too.
    """
    return f"{redis_prefix(projection=projection, generation=generation)}:{MARKER}"


MARKER = "marker"
# Key of the `_meta` entry naming the generation an index was created for: an
# index OpenSearch auto-created on a write after ours was deleted lacks it.
INDEX_META_GENERATION = "cqrs_generation"


def marked_mappings(*, mappings: Mapping[str, Any], generation: str) -> dict[str, Any]:
    """`mappings` with the generation marker in their `_meta`."""
    meta = {**mappings.get("_meta", {}), INDEX_META_GENERATION: generation}
    return {**mappings, "_meta": meta}


# Key layouts of Redis read models under `{ns}:{projection}:{generation}`.
RedisLayout = Literal["hash", "rank"]


@dataclass(frozen=True)
class HashSpace:
    """The keys of one generation of a hash-per-entry read model."""

    prefix: str

    def entry(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def pattern(self) -> str:
        """A SCAN pattern matching every key of the generation (marker included)."""
        return f"{self.prefix}:*"

    def entry_key(self, redis_key: str) -> str | None:
        """The store key of a scanned Redis key; None for the generation's marker."""
        key = redis_key[len(self.prefix) + 1 :]
        return None if key == MARKER else key


@dataclass(frozen=True)
class HashKeys:
    """One hash per entry: `{ns}:{projection}:{generation}:{key}`."""

    projection: str
    layout: ClassVar[RedisLayout] = "hash"

    def at(self, generation: str) -> HashSpace:
        return HashSpace(
            prefix=redis_prefix(projection=self.projection, generation=generation)
        )

    def entry_around_generation(self, key: str) -> tuple[str, str]:
        """`(head, tail)`: `head + generation + tail` is the entry's key, for a
        script that resolves the live generation inside Redis."""
        return _head(self.projection), f":{key}"


@dataclass(frozen=True)
class RankSpace:
    """The keys of one generation of a leaderboard."""

    board: str
    versions: str


@dataclass(frozen=True)
class RankKeys:
    """A leaderboard: the sorted set `...:board` (member -> score) and the hash
    `...:versions` (member -> version) under `{ns}:{projection}:{generation}`."""

    projection: str
    layout: ClassVar[RedisLayout] = "rank"
    BOARD: ClassVar[str] = "board"
    VERSIONS: ClassVar[str] = "versions"

    def at(self, generation: str) -> RankSpace:
        prefix = redis_prefix(projection=self.projection, generation=generation)
        return RankSpace(
            board=f"{prefix}:{self.BOARD}", versions=f"{prefix}:{self.VERSIONS}"
        )

    def board_around_generation(self) -> tuple[str, str]:
        """`(head, tail)`: `head + generation + tail` is the board's key."""
        return _head(self.projection), f":{self.BOARD}"


RedisKeys = HashKeys | RankKeys


def _head(projection: str) -> str:
    """`{ns}:{projection}:`, the part of every key before the generation."""
    return redis_prefix(projection=projection, generation="")
