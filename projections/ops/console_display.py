"""How a console row reads: the same strings for the page and its JSON refresh."""

from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from projections.models import DeadLetterStatus
from projections.ops.console import ProjectionRow, RebuildProgress

SPARK_WIDTH = 120
SPARK_HEIGHT = 24


def row_display(row: ProjectionRow) -> dict[str, Any]:
    """Everything a console row shows, as plain JSON-able values."""
    return {
        "projection": row.projection,
        "generation": row.generation or "none yet",
        "state": row.state,
        "paused": row.paused_segments > 0,
        "segments": f"{row.segments - row.paused_segments}/{row.segments} running"
        if row.paused_segments
        else f"{row.segments}",
        "lag_events": f"{row.lag_events:,}",
        "lag_seconds": f"{row.lag_seconds:,.1f} s",
        "dead_letters": row.dead_letters,
        "dead_letters_url": dead_letters_url(row.projection),
        "last_applied": _when(row),
        "sparkline": sparkline_points(row.throughput),
        "throughput": f"{sum(row.throughput):,} in the last hour",
        "rebuild": None if row.rebuild is None else rebuild_display(row.rebuild),
    }


def dead_letters_url(projection: str) -> str:
    query = urlencode(
        {"projection__exact": projection, "status__exact": DeadLetterStatus.PARKED}
    )
    return f"{reverse('admin:projections_deadletter_changelist')}?{query}"


def sparkline_points(counts: list[int]) -> str:
    """An SVG polyline's points: one per minute, scaled to the busiest minute."""
    if not counts:
        return ""
    top = max(counts) or 1
    step = SPARK_WIDTH / max(1, len(counts) - 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_HEIGHT - 1 - (SPARK_HEIGHT - 2) * n / top:.1f}"
        for i, n in enumerate(counts)
    )


def rebuild_display(progress: RebuildProgress) -> dict[str, Any]:
    eta = (
        f", about {progress.eta_seconds:,.0f} s left"
        if progress.eta_seconds is not None
        else ""
    )
    return {
        "run_id": progress.run_id,
        "percent": progress.percent,
        "state": progress.state,
        "label": (
            f"{progress.kind} {progress.state} ({progress.stage}): "
            f"{progress.rows_done:,} / {progress.rows_total:,} rows, "
            f"{progress.percent:.0f}%{eta}"
        ),
        "error": progress.error,
    }


def _when(row: ProjectionRow) -> str:
    if row.last_applied_at is None:
        return "never"
    ago = (timezone.now() - row.last_applied_at).total_seconds()
    stamp = row.last_applied_at.astimezone(UTC).strftime("%H:%M:%S")
    return f"{stamp} UTC ({ago:,.0f} s ago)"
