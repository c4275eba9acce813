"""One entry of a read model, expected or stored, reduced to key, version, content."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from projections.writes import DocumentWrite, HashWrite, RankWrite, Write


@dataclass(frozen=True)
class Entry:
    """`key` is the store key (document id, hash suffix, leaderboard member);
    `row_key` the write-model primary key it was built from ("" if stored)."""

    key: str
    version: int
    content: Any
    row_key: str = ""

    @property
    def digest(self) -> str:
        return content_hash(self.content)


def content_hash(content: Any) -> str:
    """sha256 of canonical JSON: sorted keys, no whitespace, UTF-8."""
    canonical = json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def expected_entry(write: Write, *, row_key: str) -> Entry:
    """What the store must hold for a freshly built write."""
    if isinstance(write, DocumentWrite):
        # Round-trip through JSON: the store keeps what JSON can say.
        content = json.loads(json.dumps(write.document))
        return Entry(write.doc_id, write.version, content, row_key)
    if isinstance(write, HashWrite):
        return Entry(write.key, write.version, dict(write.fields), row_key)
    if isinstance(write, RankWrite):
        score = float(write.score) if write.present else None
        return Entry(write.member, write.version, {"score": score}, row_key)
    raise TypeError(f"cannot verify a {type(write).__name__}")
