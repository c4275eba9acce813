"""Which open transactions a projection checkpoint waits for, by name.

A checkpoint snapshot lists the transactions that were running when it was
taken (its `xip`). Those of this database that are still open may have written
outbox events, which reach the projections when they commit (only their own:
everything else flows past them). `pg_stat_activity` names them: pid,
database, age, state. Transactions of other databases never hold anything back.
Seeing other roles' sessions needs `pg_read_all_stats` (or superuser).
"""

from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection

from projections.visibility import TxSnapshot

XID_MASK = 0xFFFFFFFF  # pg_stat_activity shows 32-bit xids, snapshots xid8s

OPEN_WRITERS_SQL = """
SELECT pid, datname, backend_xid::text::bigint, coalesce(state, ''),
       extract(epoch FROM clock_timestamp() - xact_start)::float8,
       coalesce(usename, ''), left(coalesce(query, ''), 200)
FROM pg_stat_activity
WHERE backend_xid IS NOT NULL
  AND datname = current_database()
  AND pid <> pg_backend_pid()
ORDER BY xact_start
"""


@dataclass(frozen=True)
class Holder:
    """An open writing transaction of this database."""

    pid: int
    database: str
    xid: int
    state: str
    age_seconds: float
    user: str
    query: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"pid {self.pid} (database {self.database}, user {self.user}, "
            f"{self.state}, open {self.age_seconds:.0f}s)"
        )


def open_writers() -> list[Holder]:
    """Open transactions of this database that have a txid, oldest first."""
    with connection.cursor() as cursor:
        cursor.execute(OPEN_WRITERS_SQL)
        rows = cursor.fetchall()
    return [
        Holder(
            pid=int(pid),
            database=database,
            xid=int(xid),
            state=state,
            age_seconds=round(float(age or 0.0), 1),
            user=user,
            query=query,
        )
        for pid, database, xid, state, age, user, query in rows
    ]


def holding(*, running: list[Holder], checkpoint: str) -> list[Holder]:
    """The open writers that were already running when `checkpoint` was taken."""
    waiting_for = {xid & XID_MASK for xid in TxSnapshot.parse(checkpoint).xip}
    return [holder for holder in running if holder.xid in waiting_for]
