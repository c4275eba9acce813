"""One consistent snapshot of the write model, and where it sits in the outbox."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from projections.rebuilds.errors import RebuildError


@contextmanager
def snapshot_transaction() -> Iterator[int]:
    """A REPEATABLE READ, READ ONLY transaction; yields its snapshot's xmin.

    Every transaction below xmin has committed or aborted and is visible to
    the snapshot, so a generation loaded from it has applied every event
    with txid < xmin; events from xmin on are (re)applied by the catch-up.
    """
    if connection.in_atomic_block:
        raise RebuildError("a snapshot must be taken outside any open transaction")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
        row = cursor.fetchone()
        yield int(row[0])


def snapshot_xmax() -> int:
    """The xmax of the current transaction's snapshot: every transaction it
    sees has a smaller txid."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
        return int(cursor.fetchone()[0])
