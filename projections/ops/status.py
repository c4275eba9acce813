"""Where every projection segment stands: checkpoint, head, lag, state, dead letters."""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils import timezone

from commands.models import OutboxEvent
from commands.outbox import NOT_APPLIED_SQL
from projections import registry, tunables
from projections.lifecycle import generations
from projections.models import (
    DeadLetter,
    DeadLetterStatus,
    GenerationState,
    ProjectionGeneration,
    SegmentCheckpoint,
)
from projections.outbox import holders
from projections.rebuilds import healing
from projections.running.engine import shards_of

OUTBOX = OutboxEvent._meta.db_table
CHECKPOINTS = SegmentCheckpoint._meta.db_table

WAITING_SQL = f"""
SELECT count(*), min(o.occurred_at)
FROM {OUTBOX} o, {CHECKPOINTS} c
WHERE c.id = %(id)s
  AND o.shard = ANY(%(shards)s::smallint[])
  AND o.aggregate_type = ANY(%(types)s::text[])
  AND {NOT_APPLIED_SQL}
"""

HEAD_SQL = f"""
SELECT txid::text::bigint, position
FROM {OUTBOX}
WHERE shard = ANY(%(shards)s::smallint[])
ORDER BY txid DESC, position DESC
LIMIT 1
"""


@dataclass
class SegmentStatus:
    projection: str
    generation: str
    generation_state: str
    segment: int
    checkpoint: str
    horizon: int
    head: tuple[int, int] | None
    lag_events: int
    lag_seconds: float
    state: str
    dead_letters: int
    events_applied: int
    last_error: str
    # Open transactions of this database the checkpoint waits for: their
    # events (if any) arrive when they commit.
    held_by: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def projection_status(*, projection: str | None = None) -> list[SegmentStatus]:
    """One row per segment of every live or building generation."""
    names = [registry.get(projection).name] if projection else registry.names()
    rows: list[SegmentStatus] = []
    running = holders.open_writers()
    for generation in _generations(names):
        parked = _parked_counts(generation)
        checkpoints = SegmentCheckpoint.objects.filter(
            projection=generation.projection, generation=generation.generation
        ).order_by("segment")
        rows.extend(
            _segment_status(
                generation=generation, checkpoint=row, parked=parked, running=running
            )
            for row in checkpoints
        )
    return rows


def _generations(names: list[str]) -> list[ProjectionGeneration]:
    found = [g for g in generations.active_generations() if g.projection in names]
    order = {name: i for i, name in enumerate(names)}
    return sorted(found, key=lambda g: (order[g.projection], g.created_at))


def _parked_counts(generation: ProjectionGeneration) -> dict[int, int]:
    counts = (
        DeadLetter.objects.filter(
            projection=generation.projection,
            generation=generation.generation,
            status=DeadLetterStatus.PARKED,
        )
        .values("segment")
        .annotate(n=Count("id"))
    )
    return {row["segment"]: row["n"] for row in counts}


def _segment_status(
    *,
    generation: ProjectionGeneration,
    checkpoint: SegmentCheckpoint,
    parked: dict[int, int],
    running: list[holders.Holder],
) -> SegmentStatus:
    spec = registry.get(generation.projection)
    shards = shards_of(segment=checkpoint.segment, segments=generation.segments)
    waiting, oldest = _waiting(
        shards=shards, types=sorted(spec.aggregate_types), checkpoint=checkpoint
    )
    now = timezone.now()
    lag_seconds = (now - oldest).total_seconds() if oldest else 0.0
    return SegmentStatus(
        projection=generation.projection,
        generation=generation.generation,
        generation_state=generation.state,
        segment=checkpoint.segment,
        checkpoint=checkpoint.checkpoint_snapshot,
        horizon=checkpoint.horizon,
        head=_head(shards),
        lag_events=waiting,
        lag_seconds=round(lag_seconds, 3),
        state=healing.loss_state(generation.projection)
        if generation.state == GenerationState.LOST
        else segment_state(
            checkpoint=checkpoint, waiting=waiting, oldest=oldest, now=now
        ),
        dead_letters=parked.get(checkpoint.segment, 0),
        events_applied=checkpoint.events_applied,
        last_error=checkpoint.last_error,
        held_by=[
            holder.as_dict()
            for holder in holders.holding(
                running=running, checkpoint=checkpoint.checkpoint_snapshot
            )
        ],
    )


def segment_state(
    *,
    checkpoint: SegmentCheckpoint,
    waiting: int,
    oldest: datetime | None,
    now: datetime,
) -> str:
    """paused, running (lease held), stalled (events wait and nothing moves), idle."""
    if checkpoint.paused:
        return "paused"
    if (
        checkpoint.lease_owner
        and checkpoint.lease_expires_at
        and (checkpoint.lease_expires_at > now)
    ):
        return "running"
    threshold = timedelta(seconds=float(tunables.get("STALL_SECONDS")))
    progress = checkpoint.last_progress_at
    if (
        waiting
        and oldest is not None
        and now - oldest > threshold
        and (progress is None or now - progress > threshold)
    ):
        return "stalled"
    return "idle"


def _waiting(
    *, shards: list[int], types: list[str], checkpoint: SegmentCheckpoint
) -> tuple[int, datetime | None]:
    params: dict[str, Any] = {"shards": shards, "types": types, "id": checkpoint.pk}
    with connection.cursor() as cursor:
        cursor.execute(WAITING_SQL, params)
        count, oldest = cursor.fetchone()
    return int(count), oldest


def _head(shards: list[int]) -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(HEAD_SQL, {"shards": shards})
        row = cursor.fetchone()
    return (int(row[0]), int(row[1])) if row else None
