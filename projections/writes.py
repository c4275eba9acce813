"""What a pure fold produces: whole-state writes, each carrying its version.

Stores apply a write only when its version is greater than the one stored,
so applying the same write twice, or an older one after a newer one, is a
no-op. Keep these plain: they are the seam between folds and stores.
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DocumentWrite:
    """Index a whole OpenSearch document with an external version."""

    doc_id: str
    version: int
    document: dict[str, Any]


@dataclass(frozen=True)
class HashWrite:
    """Replace a whole Redis hash `<generation prefix>:<key>` if newer."""

    key: str
    version: int
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RankWrite:
    """Set (or remove, when not `present`) a leaderboard member if newer."""

    member: str
    score: float
    version: int
    present: bool = True


Write = DocumentWrite | HashWrite | RankWrite
