"""The transactional outbox: appended in the writer's transaction, read in commit order.

Positions come from a sequence and commit out of order, so reading `position > last`
skips rows of transactions that were still open. Each row therefore stores its
transaction id (`txid`, xid8) and the reader only returns rows whose transaction is
older than every transaction still running (`txid < pg_snapshot_xmin(...)`), in
`(txid, position)` order: such a transaction has committed or rolled back for good.
"""

import zlib
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import orjson
from django.db import connection, transaction

from commands import events
from commands.correlation import current_correlation_id
from commands.errors import OutboxMisuse, OutboxPruneRefused
from commands.models import OutboxEvent

SHARDS = 256
TABLE = OutboxEvent._meta.db_table
PRUNE_BATCH = 5000
NOTIFY_CHANNEL = "cqrs_outbox"  # sent by a statement trigger (migration 0002)

_COLUMNS = (
    "event_id, aggregate_type, aggregate_id, aggregate_version, shard, "
    "event_type, schema_version, payload, occurred_at, correlation_id"
)
_ROW_PLACEHOLDERS = "(%s, %s, %s, %s, %s, %s, %s, %s::jsonb, clock_timestamp(), %s)"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append: the aggregate's full state after one change."""

    aggregate_type: str
    aggregate_id: int | str
    version: int
    event_type: str
    payload: dict[str, Any]


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
class OutboxBatch:
    """Rows after a cursor, plus the snapshot xmin they were read below."""

    events: tuple[OutboxRecord, ...]
    horizon: int

    @property
    def last(self) -> tuple[int, int] | None:
        """The cursor of the last row, or None when the batch is empty."""
        return self.events[-1].cursor if self.events else None

    def __len__(self) -> int:
        return len(self.events)


def shard_of(*, aggregate_type: str, aggregate_id: int | str) -> int:
    """The shard (0..255) of an aggregate; segment = shard % segment count."""
    return zlib.crc32(f"{aggregate_type}:{aggregate_id}".encode()) % SHARDS


def outbox_append(
    *,
    aggregate_type: str,
    aggregate_id: int | str,
    version: int,
    event_type: str,
    payload: dict[str, Any],
) -> None:
    """Append one event in the current transaction (which must be open)."""
    outbox_extend(
        [
            NewEvent(
                aggregate_type=aggregate_type,
                aggregate_id=aggregate_id,
                version=version,
                event_type=event_type,
                payload=payload,
            )
        ]
    )


def outbox_extend(new_events: Sequence[NewEvent]) -> None:
    """Append several events with one INSERT, in the current transaction."""
    if not new_events:
        return
    if not connection.in_atomic_block:
        raise OutboxMisuse(
            "outbox events must be appended inside the transaction that makes the "
            "change; call the command handler (it is atomic) instead"
        )
    correlation_id = current_correlation_id()
    params: list[Any] = []
    for event in new_events:
        params.extend(_row_params(event, correlation_id=correlation_id))
    values = ", ".join([_ROW_PLACEHOLDERS] * len(new_events))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES {values}", params)


def _row_params(event: NewEvent, *, correlation_id: str) -> tuple[Any, ...]:
    version = events.schema_version(
        event_type=event.event_type, aggregate_type=event.aggregate_type
    )
    aggregate_id = str(event.aggregate_id)
    return (
        uuid4(),
        event.aggregate_type,
        aggregate_id,
        event.version,
        shard_of(aggregate_type=event.aggregate_type, aggregate_id=aggregate_id),
        event.event_type,
        version,
        orjson.dumps(event.payload, default=_json_default).decode(),
        correlation_id,
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def current_txid() -> int:
    """The xid8 of the open transaction: the consistency token of its writes."""
    if not connection.in_atomic_block:
        raise OutboxMisuse("current_txid() needs the writing transaction to be open")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return int(cursor.fetchone()[0])


# One statement, so the xmin and the rows come from the same snapshot. The LEFT JOIN
# yields one row (with NULL columns) when nothing qualifies, so the horizon is
# always returned.
_READ_SQL = f"""
WITH snapshot AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
SELECT snapshot.xmin::text::bigint, e.position, e.txid::text::bigint, e.event_id,
       e.aggregate_type, e.aggregate_id, e.aggregate_version, e.shard, e.event_type,
       e.schema_version, e.payload::text, e.occurred_at, e.correlation_id
FROM snapshot
LEFT JOIN LATERAL (
    SELECT * FROM {TABLE} o
    WHERE o.txid < snapshot.xmin {{after}} {{shards}}
    ORDER BY o.txid, o.position
    LIMIT %(limit)s
) e ON TRUE
ORDER BY e.txid, e.position
"""


def read_after(
    *,
    after: tuple[int, int] | None,
    limit: int,
    shards: Collection[int] | None = None,
) -> OutboxBatch:
    """Committed events after the `(txid, position)` cursor, in commit-safe order."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    params: dict[str, Any] = {"limit": limit}
    after_sql = shards_sql = ""
    if after is not None:
        after_sql = "AND (o.txid, o.position) > (%(after_txid)s::xid8, %(after_pos)s)"
        params["after_txid"] = str(int(after[0]))
        params["after_pos"] = int(after[1])
    if shards is not None:
        shards_sql = "AND o.shard = ANY(%(shards)s::smallint[])"
        params["shards"] = sorted(int(s) for s in shards)
    sql = _READ_SQL.format(after=after_sql, shards=shards_sql)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    horizon = int(rows[0][0])
    records = tuple(_record(row[1:]) for row in rows if row[1] is not None)
    return OutboxBatch(events=records, horizon=horizon)


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


@dataclass(frozen=True, slots=True)
class PassedBy:
    """What every projection segment has applied: events at or before `cursor`,
    and every event with a txid below `horizon`."""

    cursor: tuple[int, int]
    horizon: int


@dataclass(frozen=True, slots=True)
class PrunePlan:
    """What `outbox_prune` removes: events every segment has passed, older than `before`."""

    passed: PassedBy
    before: datetime | None
    count: int


def outbox_prune(*, before: datetime | None = None, dry_run: bool = False) -> PrunePlan:
    """Delete events every projection checkpoint has passed (and older than `before`).

    Raises `OutboxPruneRefused` when no checkpoint exists to bound the deletion, or
    when another prune holds the lock.
    """
    with _prune_lock():
        passed = _passed_by_every_segment()
        where, params = _prunable_where(passed=passed, before=before)
        count = _count(where=where, params=params)
        if not dry_run and count:
            _delete_in_batches(where=where, params=params)
    return PrunePlan(passed=passed, before=before, count=count)


def _passed_by_every_segment() -> PassedBy:
    """The smallest checkpoint and horizon over every projection segment."""
    try:
        from projections.models import SegmentCheckpoint
    except ImportError:
        raise OutboxPruneRefused(
            "projections.models.SegmentCheckpoint is unavailable, so nothing tells "
            "which events the projections have applied"
        ) from None
    rows = list(
        SegmentCheckpoint.objects.values_list(
            "checkpoint_txid", "checkpoint_position", "horizon"
        )
    )
    if not rows:
        raise OutboxPruneRefused(
            "no projection checkpoints exist yet; run the projections first so "
            "pruning cannot delete events they have not applied"
        )
    return PassedBy(
        cursor=min((int(txid or 0), int(position or 0)) for txid, position, _ in rows),
        horizon=min(int(horizon or 0) for _, _, horizon in rows),
    )


def _prunable_where(
    *, passed: PassedBy, before: datetime | None
) -> tuple[str, list[Any]]:
    sql = "((txid, position) <= (%s::xid8, %s) OR txid < %s::xid8)"
    params: list[Any] = [str(passed.cursor[0]), passed.cursor[1], str(passed.horizon)]
    if before is not None:
        sql += " AND occurred_at < %s"
        params.append(before)
    return sql, params


def _count(*, where: str, params: list[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", params)
        return int(cursor.fetchone()[0])


def _delete_in_batches(*, where: str, params: list[Any]) -> None:
    """Delete in short transactions so writers are never blocked for long."""
    sql = (
        f"DELETE FROM {TABLE} WHERE position IN "
        f"(SELECT position FROM {TABLE} WHERE {where} LIMIT {PRUNE_BATCH})"
    )
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount < PRUNE_BATCH:
                return


@contextmanager
def _prune_lock() -> Iterator[None]:
    key = zlib.crc32(b"commands.outbox_prune")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        if not cursor.fetchone()[0]:
            raise OutboxPruneRefused("another outbox prune is running")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
