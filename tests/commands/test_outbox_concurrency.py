"""Many concurrent writers, some rolling back, while a reader polls the whole time:
the reader sees every committed event exactly once and no rolled-back one."""

import random
import threading
import time

import pytest
from django.db import connection, transaction

from commands.models import OutboxEvent
from commands.outbox import outbox_append, read_after
from tests.commands.polling import DEADLINE_SECONDS

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 16
TRANSACTIONS_PER_WRITER = 125
ROLLBACK_SHARE = 0.1


class RolledBack(Exception):
    pass


def write_transactions(*, writer: int, committed: list, rolled_back: list) -> None:
    rng = random.Random(writer)
    try:
        for n in range(TRANSACTIONS_PER_WRITER):
            ids = [f"{writer}-{n}-{k}" for k in range(rng.randint(1, 5))]
            roll_back = rng.random() < ROLLBACK_SHARE
            try:
                with transaction.atomic():
                    for aggregate_id in ids:
                        outbox_append(
                            aggregate_type="product",
                            aggregate_id=aggregate_id,
                            version=1,
                            event_type="ProductCreated",
                            payload={"writer": writer},
                        )
                        # Hold the transaction open a little so commits interleave
                        # out of position order: this is the writer's "work".
                        time.sleep(rng.random() * 0.003)
                    if roll_back:
                        raise RolledBack
            except RolledBack:
                rolled_back.extend(ids)
            else:
                committed.extend(ids)
    finally:
        connection.close()


def read_until(*, stop: threading.Event, seen: list, cursors: list) -> None:
    after = None
    try:
        while True:
            finishing = stop.is_set()
            batch = read_after(after=after, limit=500)
            seen.extend(e.aggregate_id for e in batch.events)
            cursors.extend(e.cursor for e in batch.events)
            after = batch.last or after
            if finishing and not batch.events and _all_committed_below(batch.horizon):
                return
            if not batch.events:
                time.sleep(0.005)  # poll interval of an idle reader
    finally:
        connection.close()


def _all_committed_below(horizon: int) -> bool:
    newest = (
        OutboxEvent.objects.order_by("-txid").values_list("txid", flat=True).first()
    )
    return newest is None or newest < horizon


def test_read_after_returns_every_committed_event_exactly_once_under_load():
    committed: list[str] = []
    rolled_back: list[str] = []
    seen: list[str] = []
    cursors: list[tuple[int, int]] = []
    writers_done = threading.Event()
    writers = [
        threading.Thread(
            target=write_transactions,
            kwargs={"writer": w, "committed": committed, "rolled_back": rolled_back},
        )
        for w in range(WRITERS)
    ]
    reader = threading.Thread(
        target=read_until,
        kwargs={"stop": writers_done, "seen": seen, "cursors": cursors},
    )
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join()
    writers_done.set()
    reader.join(timeout=DEADLINE_SECONDS)

    assert not reader.is_alive(), "the reader never caught up"

    assert len(committed) >= 5000
    assert rolled_back
    assert len(seen) == len(set(seen))
    assert set(seen) == set(committed)
    assert cursors == sorted(cursors)
