"""Kinds of drift, how an entry is classified, and the report of a verification."""

from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from projections.verification.entries import Entry

EXAMPLES = 10


class DriftKind(StrEnum):
    MISSING = "missing"  # the write model has it, the read model does not
    EXTRA = "extra"  # the read model has it, the write model does not
    STALE = "stale"  # stored version older than the write model's
    DIFFERING = "differing"  # same version, different content hash
    AHEAD = "ahead"  # stored version newer than the write model has


def classify(*, expected: Entry, stored: Entry | None) -> DriftKind | None:
    if stored is None:
        return DriftKind.MISSING
    if stored.version < expected.version:
        return DriftKind.STALE
    if stored.version > expected.version:
        return DriftKind.AHEAD
    if stored.digest != expected.digest:
        return DriftKind.DIFFERING
    return None


@dataclass
class DriftReport:
    projection: str
    generation: str
    aggregate_type: str
    where: str
    sampled: bool = False
    checked: int = 0
    counts: Counter[DriftKind] = field(default_factory=Counter)
    examples: dict[DriftKind, list[str]] = field(default_factory=dict)
    repaired: int = 0
    repair_failures: list[str] = field(default_factory=list)
    # The projection did not catch up in time to confirm findings: some may be lag.
    unsettled: bool = False
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0

    @property
    def drifted(self) -> int:
        return sum(self.counts.values())

    def add(self, *, kind: DriftKind, key: str) -> None:
        self.counts[kind] += 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < EXAMPLES:
            shown.append(key)

    def pace(self) -> str:
        return (
            f"{self.checked:,} rows in {self.seconds:.1f} s "
            f"({self.rows_per_second:,.0f} rows/s)"
        )

    def summary(self) -> str:
        counts = ", ".join(f"{self.counts[kind]} {kind}" for kind in DriftKind)
        scope = "sampled" if self.sampled else "checked"
        return (
            f"{self.projection} generation {self.generation} ({self.where}), "
            f"aggregate {self.aggregate_type}: {scope} {self.checked:,} rows: {counts}"
        )
