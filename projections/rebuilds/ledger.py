"""A second database session beside the snapshot: the lock and the progress.

The snapshot is one long REPEATABLE READ transaction on Django's connection,
so nothing written there is visible before it ends. Progress must be visible
while it runs (the admin shows it, `--resume` relies on it), and the lock
must outlive every transaction: both live on this separate autocommit
session. The lock is a session-level advisory lock, so when the process
dies, even by SIGKILL, PostgreSQL drops the session and the lock with it.
"""

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.db import connection

from projections import naming
from projections.rebuilds.models import RebuildRun

PROGRESS_FIELDS = frozenset(
    {"rows_done", "rows_total", "rate", "last_pk", "snapshot_xmin"}
)


class Ledger:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def try_lock(self, projection: str) -> bool:
        """Take the projection's rebuild lock for this session; False if held."""
        row = self.conn.execute(
            "SELECT pg_try_advisory_lock(%s)", [lock_key(projection)]
        ).fetchone()
        return bool(row and row[0])

    def record(self, *, run_id: int, **fields: Any) -> None:
        """Write progress fields of a run so other sessions see them at once."""
        unknown = set(fields) - PROGRESS_FIELDS
        if unknown:
            raise ValueError(f"not progress fields: {sorted(unknown)}")
        assignments = ", ".join(f"{name} = %({name})s" for name in sorted(fields))
        self.conn.execute(
            f"UPDATE {RebuildRun._meta.db_table} SET {assignments}, "
            "updated_at = now() WHERE id = %(id)s",
            {**fields, "id": run_id},
        )


def lock_key(projection: str) -> int:
    """The advisory lock id of a projection's rebuilds in this namespace."""
    return zlib.crc32(f"projections.rebuild:{naming.namespace()}:{projection}".encode())


@contextmanager
def open_ledger() -> Iterator[Ledger]:
    """A fresh autocommit session to this process's database, closed on exit."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        yield Ledger(conn)
