"""Outbox pruning: delete the events every projection checkpoint has passed.

Pruning lives with the checkpoints it is bounded by; the outbox itself
(`commands.outbox`) knows nothing of projections.
"""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction

from commands.outbox import TABLE
from projections.models import SegmentCheckpoint
from projections.visibility import TxSnapshot, common

PRUNE_BATCH = 5000


class OutboxPruneRefused(RuntimeError):
    """Pruning the outbox is unsafe (no projection checkpoints to bound it)."""


@dataclass(frozen=True, slots=True)
class PrunePlan:
    """What `outbox_prune` removes: events of transactions every checkpoint has
    passed (`passed` sees them), older than `before`."""

    passed: TxSnapshot
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


def _passed_by_every_segment() -> TxSnapshot:
    """The snapshot that sees only what every segment's checkpoint sees."""
    rows = SegmentCheckpoint.objects.values_list("checkpoint_snapshot", flat=True)
    passed = common(TxSnapshot.parse(text) for text in rows)
    if passed is None:
        raise OutboxPruneRefused(
            "no projection checkpoints exist yet; run the projections first so "
            "pruning cannot delete events they have not applied"
        )
    return passed


def _prunable_where(
    *, passed: TxSnapshot, before: datetime | None
) -> tuple[str, list[Any]]:
    sql = "txid < %s::xid8 AND pg_visible_in_snapshot(txid, %s::pg_snapshot)"
    params: list[Any] = [str(passed.xmax), str(passed)]
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
    # The key predates the move from commands.outbox: keep it, so a prune
    # started by an older deployment still excludes this one.
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
