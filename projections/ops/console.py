"""What the ops console shows: one row per projection, built from `projection_status`.

Lag, segment states and dead letters come from `projections.ops.status` (the same
computation as `manage.py projection_status`); this module only folds its
segment rows into one row per projection and adds the last applied time, the
throughput of the last hour (`projections.running.throughput`) and the latest rebuild.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from projections import registry
from projections.models import GenerationState, SegmentCheckpoint
from projections.ops import status
from projections.rebuilds.models import RebuildRun, RebuildState
from projections.running import throughput

# The worst segment state names the projection's state.
STATE_ORDER = ("lost", "stalled", "paused", "rebuilding", "running", "idle")
ACTIVE_RUN = (RebuildState.PENDING, RebuildState.RUNNING)
# A finished rebuild stays on the console this long, so its end is seen.
RECENT_RUN = timedelta(minutes=10)


@dataclass
class RebuildProgress:
    run_id: int
    kind: str
    state: str
    stage: str
    generation: str
    rows_done: int
    rows_total: int
    percent: float
    eta_seconds: float | None
    error: str


@dataclass
class ProjectionRow:
    projection: str
    generation: str | None
    state: str
    lag_events: int = 0
    lag_seconds: float = 0.0
    dead_letters: int = 0
    segments: int = 0
    paused_segments: int = 0
    last_applied_at: datetime | None = None
    throughput: list[int] = field(default_factory=list)
    rebuild: RebuildProgress | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_applied_at"] = (
            self.last_applied_at.isoformat() if self.last_applied_at else None
        )
        return data


def dashboard() -> list[ProjectionRow]:
    """One row per registered projection, in registration order."""
    segments = status.projection_status()
    return [projection_row(name=name, segments=segments) for name in registry.names()]


def projection_row(*, name: str, segments: list[status.SegmentStatus]) -> ProjectionRow:
    current = [
        s
        for s in segments
        if s.projection == name and s.generation_state != GenerationState.BUILDING
    ]
    rebuild = latest_rebuild(name)
    if not current:
        return ProjectionRow(projection=name, generation=None, state="idle")
    generation = current[0].generation
    states = {s.state for s in current}
    if rebuild is not None and rebuild.state in ACTIVE_RUN:
        states.add("rebuilding")
    return ProjectionRow(
        projection=name,
        generation=generation,
        state=next(state for state in STATE_ORDER if state in states),
        lag_events=sum(s.lag_events for s in current),
        lag_seconds=max(s.lag_seconds for s in current),
        dead_letters=sum(s.dead_letters for s in current),
        segments=len(current),
        paused_segments=sum(1 for s in current if s.state == "paused"),
        last_applied_at=last_applied_at(projection=name, generation=generation),
        throughput=throughput.per_minute(projection=name, generation=generation),
        rebuild=rebuild,
    )


def last_applied_at(*, projection: str, generation: str) -> datetime | None:
    """When a segment of the generation last moved its checkpoint past events."""
    found = SegmentCheckpoint.objects.filter(
        projection=projection, generation=generation
    ).aggregate(at=Max("last_progress_at"))
    return found["at"]


def latest_rebuild(projection: str) -> RebuildProgress | None:
    """The rebuild or rollback under way, else one that ended a moment ago."""
    recent = timezone.now() - RECENT_RUN
    run = (
        RebuildRun.objects.filter(projection=projection)
        .filter(Q(state__in=ACTIVE_RUN) | Q(finished_at__gte=recent))
        .order_by("-created_at", "-id")
        .first()
    )
    return None if run is None else progress_of(run)


def progress_of(run: RebuildRun) -> RebuildProgress:
    remaining = max(0, run.rows_total - run.rows_done)
    eta = remaining / run.rate if run.rate > 0 and run.state in ACTIVE_RUN else None
    return RebuildProgress(
        run_id=run.pk,
        kind=run.kind,
        state=run.state,
        stage=run.stage,
        generation=run.generation,
        rows_done=run.rows_done,
        rows_total=run.rows_total,
        percent=round(run.percent, 1),
        eta_seconds=None if eta is None else round(eta, 1),
        error=run.error[:300],
    )
