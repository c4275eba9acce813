"""The txid below which each projection has applied every event."""

from collections.abc import Sequence

from config import connections
from projections import naming


def lowest_watermark(projections: Sequence[str]) -> int:
    """The smallest watermark among `projections` (0 for one never published)."""
    values = connections.redis_client().mget(
        [naming.watermark_key(p) for p in projections]
    )
    return min(_as_int(value) for value in values)


def _as_int(value: str | bytes | None) -> int:
    try:
        return int(value) if value else 0
    except ValueError:
        return 0
