"""How far each projection has come: the snapshot of transactions it has applied."""

from collections.abc import Sequence

from config import connections
from projections import naming
from projections.visibility import TxSnapshot, common

NOTHING_YET = TxSnapshot.below(1)


def lowest_watermark(projections: Sequence[str]) -> TxSnapshot:
    """A snapshot that sees only what every one of `projections` has applied
    (it sees nothing when one of them never published)."""
    values = connections.redis_client().mget(
        [naming.watermark_key(p) for p in projections]
    )
    return common(_as_snapshot(value) for value in values) or NOTHING_YET


def _as_snapshot(value: str | bytes | None) -> TxSnapshot:
    text = value.decode() if isinstance(value, bytes) else value
    try:
        return TxSnapshot.parse(text) if text else NOTHING_YET
    except ValueError:
        return NOTHING_YET
