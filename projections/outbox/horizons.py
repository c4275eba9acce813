"""Find the segments that have work, and move the others' checkpoints for free.

A segment with no event in the pair (its checkpoint snapshot, a snapshot taken
now] has, by definition, applied every event of every transaction the new
snapshot sees: its checkpoint can move to that snapshot without a run. (Every
event counts, even those the projection ignores, so that checkpoints keep up
with the outbox and never hold back its pruning.) One statement does that for
every live or building generation and names the segments that do need a run,
so a commit wakes one segment per projection instead of all of them, and
read-your-writes watermarks still move at once.

Both halves of "has an event in the pair" are index lookups: the ended
transactions one `txid = x` probe each (a LATERAL ... LIMIT 1, which the planner
cannot turn into a join), the newer ones a range of the txid index. Written as
`txid = ANY(ARRAY(...))`, the first half was planned as a sequential scan of the
whole outbox per segment: 24 scans per commit, 64-121 ms at 20,000 rows, growing
with the table (bench/RESULTS.md "Freshness and the listener's scan").

The move is a compare-and-set: only a checkpoint nobody holds a live lease on,
that is between pairs and still holds the snapshot the scan saw. Taking over an
expired lease bumps the fence, so the runner that let it expire cannot move the
checkpoint back afterwards.
"""

from dataclasses import dataclass

from django.db import connection

from commands.models import OutboxEvent
from projections.models import ProjectionGeneration, SegmentCheckpoint
from projections.visibility import TxSnapshot

CHECKPOINTS = SegmentCheckpoint._meta.db_table
GENERATIONS = ProjectionGeneration._meta.db_table
OUTBOX = OutboxEvent._meta.db_table

SCAN = f"""
WITH snap AS (SELECT pg_current_snapshot() AS s2),
state AS (
    SELECT c.id, c.projection, c.generation, c.segment, g.state,
           c.checkpoint_snapshot, snap.s2,
           c.target_snapshot <> ''
           OR EXISTS (
               SELECT 1
               FROM pg_snapshot_xip(c.checkpoint_snapshot::pg_snapshot) AS x
               CROSS JOIN LATERAL (
                   SELECT 1 FROM {OUTBOX} o
                   WHERE o.txid = x AND o.shard %% g.segments = c.segment
                   LIMIT 1
               ) AS hit
               WHERE pg_visible_in_snapshot(x, snap.s2)
           )
           OR EXISTS (
               SELECT 1 FROM {OUTBOX} o
               WHERE o.txid >= pg_snapshot_xmax(c.checkpoint_snapshot::pg_snapshot)
                 AND o.txid < pg_snapshot_xmax(snap.s2)
                 AND pg_visible_in_snapshot(o.txid, snap.s2)
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
    SET checkpoint_snapshot = state.s2::text,
        horizon = pg_snapshot_xmin(state.s2)::text::bigint,
        fence = CASE WHEN c.lease_owner = '' THEN c.fence ELSE c.fence + 1 END,
        lease_owner = '', lease_expires_at = NULL
    FROM state
    WHERE c.id = state.id AND NOT state.pending
      AND c.target_snapshot = ''
      AND c.checkpoint_snapshot = state.checkpoint_snapshot
      AND c.checkpoint_snapshot <> state.s2::text
      AND (c.lease_owner = '' OR c.lease_expires_at < now())
    RETURNING c.id, c.checkpoint_snapshot
)
SELECT s.projection, s.generation, s.segment, s.state, s.pending,
       r.id IS NOT NULL, coalesce(r.checkpoint_snapshot, s.checkpoint_snapshot)
FROM state s
LEFT JOIN raised r ON r.id = s.id
ORDER BY s.projection, s.generation, s.segment
"""


@dataclass(frozen=True)
class SegmentScan:
    projection: str
    generation: str
    segment: int
    live: bool
    pending: bool
    raised: bool
    checkpoint: TxSnapshot

    @property
    def horizon(self) -> int:
        """Every txid below it is applied (the checkpoint's xmin)."""
        return self.checkpoint.xmin


def scan() -> list[SegmentScan]:
    """Every active segment: does it have events waiting, was its checkpoint moved."""
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
            checkpoint=TxSnapshot.parse(checkpoint),
        )
        for projection, generation, segment, state, pending, raised, checkpoint in rows
    ]
