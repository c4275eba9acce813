"""The transactional outbox: appended in the writer's transaction, read in commit order.

Positions come from a sequence and commit out of order, so reading `position > last`
skips rows of transactions that were still open. Each row therefore stores its
transaction id (`txid`, xid8), and a reader's checkpoint is a snapshot
(`pg_snapshot`): "every event of a transaction this snapshot sees is applied".
A batch is the events of the transactions that a newer snapshot sees and the
checkpoint does not (PgQ's snapshot pairs): each transaction ends before exactly
one of a reader's successive snapshots, so it lands in exactly one batch, as soon
as it has ended, whatever else is still running on the server.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from django.db import connection

from commands.outbox_append import (
    SHARDS,
    TABLE,
    NewEvent,
    current_txid,
    outbox_append,
    outbox_extend,
    shard_of,
)

# The writing half lives in commands.outbox_append; one import place for both.
__all__ = [
    "NOT_APPLIED_SQL",
    "NOTIFY_CHANNEL",
    "SHARDS",
    "TABLE",
    "NewEvent",
    "OutboxBatch",
    "OutboxRecord",
    "ReadPosition",
    "current_txid",
    "outbox_append",
    "outbox_extend",
    "read_batch",
    "shard_of",
]

NOTIFY_CHANNEL = "cqrs_outbox"  # sent by a statement trigger (migration 0002)


@dataclass(frozen=True, slots=True)
class OutboxRecord:
    """One committed outbox row, as projections consume it."""

    position: int
    txid: int
    event_id: UUID
    aggregate_type: str
    aggregate_id: str
    aggregate_version: int
    shard: int
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    occurred_at: datetime
    correlation_id: str

    @property
    def cursor(self) -> tuple[int, int]:
        """The `(txid, position)` a reader resumes after."""
        return (self.txid, self.position)


@dataclass(frozen=True, slots=True)
class ReadPosition:
    """Where a reader stands in the outbox.

    Every event of a transaction `since` sees has been read. While a batch pair
    is read in pages, `target` is the snapshot that ends the pair and `after`
    the `(txid, position)` of the last event read within it.
    """

    # Sees nothing (transaction ids start at 3): projections.visibility.NOTHING.
    since: str = "1:1:"
    target: str = ""
    after: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class OutboxBatch:
    """Events read from `position`, within the pair that ends at `target`."""

    events: tuple[OutboxRecord, ...]
    position: ReadPosition
    target: str
    # True when the batch reaches the end of the pair (fewer rows than asked).
    complete: bool

    @property
    def last(self) -> tuple[int, int] | None:
        """The largest `(txid, position)` read, or None when the batch is empty."""
        return max((e.cursor for e in self.events), default=None)

    @property
    def next(self) -> ReadPosition:
        """Where the next read starts: the next pair, or the next page of this one."""
        if self.complete or not self.events:
            return ReadPosition(since=self.target)
        return ReadPosition(
            since=self.position.since, target=self.target, after=self.last
        )

    def __len__(self) -> int:
        return len(self.events)


# One statement, so the new snapshot and the rows it sees agree. The pair is
# (since, target]: transactions `since` saw running that have ended by `target`
# (an index lookup per txid), then txids from since's xmax up to target's xmax
# that target sees (an index range). The scan never revisits what `since` saw,
# however old its xmin, nor the rows of a transaction still running. The LEFT
# JOIN yields one row (NULL columns) when nothing qualifies, so `target` is
# always returned.
_READ_SQL = f"""
WITH pair AS (
    SELECT s1, s2,
           ARRAY(SELECT x FROM pg_snapshot_xip(s1) AS x
                 WHERE pg_visible_in_snapshot(x, s2)) AS ended
    FROM (SELECT %(since)s::pg_snapshot AS s1,
                 coalesce(%(target)s::pg_snapshot, pg_current_snapshot()) AS s2
    ) AS given
)
SELECT pair.s2::text, e.position, e.txid::text::bigint, e.event_id,
       e.aggregate_type, e.aggregate_id, e.aggregate_version, e.shard, e.event_type,
       e.schema_version, e.payload::text, e.occurred_at, e.correlation_id
FROM pair
LEFT JOIN LATERAL (
    (SELECT * FROM {TABLE} o
     WHERE o.txid = ANY(pair.ended) {{after}} {{shards}}
     ORDER BY o.txid, o.position
     LIMIT %(limit)s)
    UNION ALL
    (SELECT * FROM {TABLE} o
     WHERE o.txid >= pg_snapshot_xmax(pair.s1)
       AND o.txid < pg_snapshot_xmax(pair.s2)
       AND pg_visible_in_snapshot(o.txid, pair.s2) {{after}} {{shards}}
     ORDER BY o.txid, o.position
     LIMIT %(limit)s)
    ORDER BY txid, position
    LIMIT %(limit)s
) e ON TRUE
ORDER BY e.txid, e.position
"""


# A WHERE condition: the outbox row `o` (committed, as the statement sees rows)
# holds an event that the checkpoint row `c` (projections' segment checkpoint:
# `checkpoint_snapshot`, `target_snapshot`, `checkpoint_txid`,
# `checkpoint_position`) has not applied. Index-bounded like the reader.
NOT_APPLIED_SQL = """
(o.txid >= pg_snapshot_xmax(c.checkpoint_snapshot::pg_snapshot)
 OR o.txid = ANY(ARRAY(SELECT pg_snapshot_xip(c.checkpoint_snapshot::pg_snapshot))))
AND (c.target_snapshot = ''
     OR (o.txid, o.position) > (c.checkpoint_txid::text::xid8, c.checkpoint_position)
     OR NOT pg_visible_in_snapshot(o.txid, c.target_snapshot::pg_snapshot))
"""


def read_batch(
    *,
    position: ReadPosition,
    limit: int,
    shards: Collection[int] | None = None,
) -> OutboxBatch:
    """The next events after `position`, in `(txid, position)` order within a pair.

    Without a target, the pair ends at a snapshot taken now. A pair with more
    than `limit` events is read in pages: the batch is then not `complete`, and
    its `next` position keeps the same target.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    params: dict[str, Any] = {
        "limit": limit,
        "since": position.since,
        "target": position.target or None,
    }
    after_sql = shards_sql = ""
    if position.after is not None:
        # The scalar bound is implied by the row comparison, but only it lets
        # the btree skip the pair's earlier transactions: without it each page
        # of the `ended` half walked the index from the first ended txid up to
        # `after`, so a large pair cost a quadratic amount of index reading
        # (bench/RESULTS.md "Outbox reader at scale").
        after_sql = (
            "AND o.txid >= %(after_txid)s::xid8"
            " AND (o.txid, o.position) > (%(after_txid)s::xid8, %(after_pos)s)"
        )
        params["after_txid"] = str(int(position.after[0]))
        params["after_pos"] = int(position.after[1])
    if shards is not None:
        shards_sql = "AND o.shard = ANY(%(shards)s::smallint[])"
        params["shards"] = sorted(int(s) for s in shards)
    sql = _READ_SQL.format(after=after_sql, shards=shards_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    records = _versions_in_order(
        [_record(row[1:]) for row in rows if row[1] is not None]
    )
    return OutboxBatch(
        events=records,
        position=position,
        target=str(rows[0][0]),
        complete=len(records) < limit,
    )


def _versions_in_order(records: list[OutboxRecord]) -> tuple[OutboxRecord, ...]:
    """Each aggregate's events in version order, in the slots they occupy.

    Writers lock an aggregate, so its versions follow commit order; but a
    transaction that got its txid before waiting for another's lock on the
    aggregate has the smaller txid and the later version. (Across pairs commit
    order holds by itself: the earlier transaction ended before the later one.)
    """
    slots: dict[tuple[str, str], list[int]] = {}
    for index, record in enumerate(records):
        slots.setdefault((record.aggregate_type, record.aggregate_id), []).append(index)
    ordered = list(records)
    for indexes in slots.values():
        by_version = sorted(
            (records[i] for i in indexes), key=lambda r: r.aggregate_version
        )
        for index, record in zip(indexes, by_version, strict=True):
            ordered[index] = record
    return tuple(ordered)


def _record(row: Sequence[Any]) -> OutboxRecord:
    return OutboxRecord(
        position=row[0],
        txid=int(row[1]),
        event_id=row[2] if isinstance(row[2], UUID) else UUID(str(row[2])),
        aggregate_type=row[3],
        aggregate_id=row[4],
        aggregate_version=row[5],
        shard=row[6],
        event_type=row[7],
        schema_version=row[8],
        payload=orjson.loads(row[9]),
        occurred_at=row[10],
        correlation_id=row[11],
    )
