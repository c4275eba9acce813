"""PostgreSQL snapshots (`pg_snapshot`) in pure Python: which transactions they see.

A snapshot `xmin:xmax:xip` sees a transaction id T when T < xmax and T is not in
`xip` (the transactions still running when it was taken). A transaction is seen
by a snapshot exactly when it had ended before the snapshot was taken, so a later
snapshot sees everything an earlier one saw. Checkpoints and watermarks are
snapshots; the read API (which has no database) decides read-your-writes here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# Sees nothing: transaction ids start at 3, so a generation starting here
# applies the whole outbox.
NOTHING = "1:1:"


@dataclass(frozen=True, slots=True)
class TxSnapshot:
    xmin: int
    xmax: int
    xip: frozenset[int] = frozenset()

    @classmethod
    def parse(cls, text: str) -> "TxSnapshot":
        """From `pg_snapshot` text; a bare number N (an old watermark) is `N:N:`."""
        parts = text.strip().split(":")
        if len(parts) == 1:
            return cls.below(int(parts[0]))
        if len(parts) != 3:
            raise ValueError(f"not a pg_snapshot: {text!r}")
        xip = frozenset(int(x) for x in parts[2].split(",") if x)
        return cls(xmin=int(parts[0]), xmax=int(parts[1]), xip=xip)

    @classmethod
    def below(cls, txid: int) -> "TxSnapshot":
        """The snapshot that sees exactly the transactions below `txid`."""
        txid = max(1, int(txid))
        return cls(xmin=txid, xmax=txid)

    def __str__(self) -> str:
        return f"{self.xmin}:{self.xmax}:{','.join(str(x) for x in sorted(self.xip))}"

    def sees(self, txid: int) -> bool:
        """Had transaction `txid` ended when the snapshot was taken?"""
        return txid < self.xmax and txid not in self.xip

    def covers(self, other: "TxSnapshot") -> bool:
        """Does this snapshot see every transaction `other` sees?"""
        beyond = range(self.xmax, other.xmax)
        if len(beyond) > len(other.xip) or any(x not in other.xip for x in beyond):
            return False
        return not any(other.sees(x) for x in self.xip)


def common(snapshots: Iterable[TxSnapshot]) -> TxSnapshot | None:
    """The snapshot that sees what every one of `snapshots` sees (None if none)."""
    found = list(snapshots)
    if not found:
        return None
    xmax = min(s.xmax for s in found)
    xmin = min(min(s.xmin for s in found), xmax)
    xip = frozenset(x for s in found for x in s.xip if xmin <= x < xmax)
    return TxSnapshot(xmin=xmin, xmax=xmax, xip=xip)


def lag(*, snapshot: TxSnapshot, txid: int) -> int:
    """How far `txid` is from being seen, in txids (0 when seen)."""
    if snapshot.sees(txid):
        return 0
    return max(1, txid - snapshot.xmax + 1)
