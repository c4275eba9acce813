"""Bring a loaded (or retired) generation up to date with the outbox.

A generation's checkpoints start at the snapshot `xmin:xmin:` (it sees every
transaction below the load snapshot's xmin): its runners (re)apply every event
with txid >= xmin. Reapplying is
harmless, because the engine re-reads the current state and the stores are
version-fenced. The engine already runs building generations (wake-ups
address every active generation); this module drives the same
`engine.run_segment` itself, so a rebuild finishes with or without workers,
and leases keep the two from ever running one segment at once.
"""

import logging
import time
from typing import Any

from django.db import connection

from commands.models import OutboxEvent
from commands.outbox import NOT_APPLIED_SQL
from projections import registry
from projections.errors import LeaseLost
from projections.models import ProjectionGeneration, SegmentCheckpoint
from projections.rebuilds.errors import CatchUpTimeout
from projections.running import engine
from projections.running.watermarks import applied_snapshot
from projections.visibility import TxSnapshot

logger = logging.getLogger(__name__)

IDLE_POLL = 0.05

# Committed events each segment has not applied yet (those of transactions its
# checkpoint snapshot does not see, less the pages of a pair already applied),
# capped so a huge backlog stays cheap to count: index scans from the
# checkpoint's running transactions and its xmax on.
WAITING_SQL = f"""
SELECT coalesce(sum(waiting.n), 0)
FROM {SegmentCheckpoint._meta.db_table} c
CROSS JOIN LATERAL (
    SELECT count(*) AS n FROM (
        SELECT 1 FROM {OutboxEvent._meta.db_table} o
        WHERE {NOT_APPLIED_SQL}
          AND o.shard %% %(segments)s = c.segment
          AND o.aggregate_type = ANY(%(types)s)
        LIMIT %(cap)s
    ) capped
) waiting
WHERE c.projection = %(projection)s AND c.generation = %(generation)s
"""


def start_checkpoints(*, generation: ProjectionGeneration, xmin: int) -> None:
    """Checkpoints that (re)apply every event from `xmin` on; existing rows kept."""
    SegmentCheckpoint.objects.bulk_create(
        [
            SegmentCheckpoint(
                projection=generation.projection,
                generation=generation.generation,
                segment=segment,
                checkpoint_snapshot=str(TxSnapshot.below(xmin)),
                horizon=xmin,
            )
            for segment in range(generation.segments)
        ],
        ignore_conflicts=True,
    )


def waiting_events(*, generation: ProjectionGeneration, cap: int = 1_000_000) -> int:
    """Relevant outbox events the generation has not applied (at most `cap`)."""
    spec = registry.get(generation.projection)
    params: dict[str, Any] = {
        "projection": generation.projection,
        "generation": generation.generation,
        "segments": generation.segments,
        "types": sorted(spec.aggregate_types),
        "cap": cap,
    }
    with connection.cursor() as cursor:
        cursor.execute(WAITING_SQL, params)
        return int(cursor.fetchone()[0])


def catch_up(
    *,
    generation: ProjectionGeneration,
    max_lag: int,
    timeout: float,
) -> int:
    """Run the generation's segments until at most `max_lag` events wait."""
    deadline = time.monotonic() + timeout
    while True:
        ran = run_segments(generation)
        lag = waiting_events(generation=generation, cap=max_lag + 1_000)
        if lag <= max_lag:
            return lag
        if time.monotonic() > deadline:
            raise CatchUpTimeout(
                projection=generation.projection,
                generation=generation.generation,
                lag=lag,
            )
        if not ran:
            time.sleep(IDLE_POLL)  # workers hold the leases: let them work


def close_gap(
    *, generation: ProjectionGeneration, live: str | None, timeout: float
) -> None:
    """Run until the generation has applied all the live one had, just before a swap.

    Readers must not go back in time at the swap, and read-your-writes
    tokens the live generation already passed must stay passed.
    """
    target = (
        applied_snapshot(projection=generation.projection, generation=live)
        if live
        else TxSnapshot.below(1)
    )
    deadline = time.monotonic() + timeout
    while True:
        run_segments(generation)
        applied = applied_snapshot(
            projection=generation.projection, generation=generation.generation
        )
        if applied.covers(target):
            return
        if time.monotonic() > deadline:
            raise CatchUpTimeout(
                projection=generation.projection,
                generation=generation.generation,
                lag=waiting_events(generation=generation),
            )
        time.sleep(IDLE_POLL)


def run_segments(generation: ProjectionGeneration) -> bool:
    """One run of every segment; False if none could be claimed."""
    claimed = False
    for segment in range(generation.segments):
        try:
            report = engine.run_segment(
                projection=generation.projection,
                segment=segment,
                generation=generation.generation,
            )
        except LeaseLost as exc:
            logger.info("%s", exc)  # a worker took over; it carries on
            continue
        claimed = claimed or report.claimed
    return claimed
