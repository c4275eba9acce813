"""Find the segments that have work, and move the others' horizons for free.

A segment with no unapplied event below the current snapshot horizon has,
by definition, applied everything below it: its horizon can move up without
a run. (Every event counts, even those the projection ignores, so that
checkpoints keep up with the outbox and never hold back its pruning.) One
statement does that for every live or building generation and names the
segments that do need a run, so a commit wakes one segment per projection
instead of all of them, and read-your-writes watermarks still move at once.
"""

from dataclasses import dataclass

from django.db import connection

from commands.models import OutboxEvent
from projections.models import ProjectionGeneration, SegmentCheckpoint

CHECKPOINTS = SegmentCheckpoint._meta.db_table
GENERATIONS = ProjectionGeneration._meta.db_table

SCAN = f"""
WITH snap AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
state AS (
    SELECT c.id, c.projection, c.generation, c.segment, g.state, c.horizon,
           snap.xmin::text::bigint AS xmin,
           EXISTS (
               SELECT 1 FROM {OutboxEvent._meta.db_table} o
               -- the plain range on txid lets the planner use the
               -- (txid, position) index; the row comparison refines it
               WHERE o.txid >= c.checkpoint_txid::text::xid8
                 AND o.txid < snap.xmin
                 AND (o.txid, o.position)
                     > (c.checkpoint_txid::text::xid8, c.checkpoint_position)
                 AND o.shard %% g.segments = c.segment
           ) AS pending
    FROM {CHECKPOINTS} c
    JOIN {GENERATIONS} g
      ON g.projection = c.projection AND g.generation = c.generation
    CROSS JOIN snap
    WHERE g.state <> 'retired' AND NOT c.paused
),
raised AS (
    UPDATE {CHECKPOINTS} c
    SET horizon = state.xmin
    FROM state
    WHERE c.id = state.id AND NOT state.pending AND c.horizon < state.xmin
    RETURNING c.id
)
SELECT s.projection, s.generation, s.segment, s.state, s.pending,
       s.id IN (SELECT id FROM raised), GREATEST(s.horizon, CASE
           WHEN s.id IN (SELECT id FROM raised) THEN s.xmin ELSE 0 END)
FROM state s
ORDER BY s.projection, s.generation, s.segment
"""

# Committed events the horizon has not passed yet: an older transaction is
# still open. They become readable the moment it ends, which sends no NOTIFY
# if it wrote no event, so the listener looks again shortly.
HELD_BACK = f"""
SELECT EXISTS (
    SELECT 1 FROM {OutboxEvent._meta.db_table}
    WHERE txid >= pg_snapshot_xmin(pg_current_snapshot())
)
"""


def held_back() -> bool:
    """Are committed events waiting for an older transaction to end?"""
    with connection.cursor() as cursor:
        cursor.execute(HELD_BACK)
        return bool(cursor.fetchone()[0])


@dataclass(frozen=True)
class SegmentScan:
    projection: str
    generation: str
    segment: int
    live: bool
    pending: bool
    raised: bool
    horizon: int


def scan() -> list[SegmentScan]:
    """Every active segment: does it have events waiting, was its horizon raised."""
    with connection.cursor() as cursor:
        cursor.execute(SCAN, {})
        rows = cursor.fetchall()
    return [
        SegmentScan(
            projection=projection,
            generation=generation,
            segment=segment,
            live=state == "live",
            pending=pending,
            raised=raised,
            horizon=horizon,
        )
        for projection, generation, segment, state, pending, raised, horizon in rows
    ]
