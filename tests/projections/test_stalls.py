"""A long transaction delays only its own events (real worker and listener).

Writes go through the command handlers; a write counts as visible once the
projection's published watermark sees its transaction (what read-your-writes
waits for). The long transactions stay open until every measured write is
visible, so a reader that waited for them would fail the poll's deadline.
"""

import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from commands.handlers.customer import customer_register
from commands.models import Customer, OutboxEvent
from commands.outbox import current_txid
from projections import registry
from projections.models import SegmentCheckpoint
from projections.running import watermarks
from tests.processes import poll_until
from tests.sessions import pg_session

pytestmark = pytest.mark.usefixtures("engine_db")

WRITES = 5
VISIBLE_WITHIN = 15.0  # far below how long the long transactions stay open


@pytest.fixture
def projectors(worker_process, listener_process):
    """A real worker and listener, with every projection caught up once."""
    write_visible("warm-up")


def write(label: str) -> int:
    """Register a customer; return the writing transaction's txid (its token)."""
    with transaction.atomic():
        customer_register(email=f"{label}@example.com", name=label)
        return current_txid()


def visible(txid: int) -> bool:
    return all(watermarks.read(name).sees(txid) for name in registry.names())


def write_visible(label: str) -> float:
    """Seconds from a write's commit until every projection's watermark sees it."""
    txid = write(label)
    committed = time.monotonic()
    poll_until(lambda: visible(txid), timeout=VISIBLE_WITHIN, interval=0.01)
    return time.monotonic() - committed


def test_writes_stay_fresh_while_another_database_holds_a_transaction_open(
    projectors,
):
    other = pg_session("postgres")
    other.execute("SELECT pg_current_xact_id()")  # an xid, held open

    delays = [write_visible(f"other-db-{n}") for n in range(WRITES)]

    assert other.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    assert len(delays) == WRITES
    other.close()


def test_a_long_writer_in_this_database_delays_only_its_own_events(projectors):
    opened, release = threading.Event(), threading.Event()
    long_txid: list[int] = []

    def long_writer() -> None:
        try:
            with transaction.atomic():
                customer_register(email="slow@example.com", name="Slow")
                long_txid.append(current_txid())
                opened.set()
                release.wait(timeout=120)
        finally:
            connection.close()

    thread = threading.Thread(target=long_writer)
    thread.start()
    opened.wait(timeout=30)
    delays = [write_visible(f"same-db-{n}") for n in range(WRITES)]
    held_back = not visible(long_txid[0])
    release.set()
    thread.join(timeout=30)

    poll_until(lambda: visible(long_txid[0]), timeout=VISIBLE_WITHIN)
    assert len(delays) == WRITES
    assert held_back
    assert Customer.objects.filter(email="slow@example.com").exists()
    poll_until(every_event_applied_once, timeout=VISIBLE_WITHIN)


def every_event_applied_once() -> bool:
    """Every projection read every outbox event exactly once (counted on advance)."""
    total = OutboxEvent.objects.count()
    applied = {
        name: sum(
            SegmentCheckpoint.objects.filter(projection=name).values_list(
                "events_applied", flat=True
            )
        )
        for name in registry.names()
    }
    return set(applied.values()) == {total}
