"""Many concurrent writers, some rolling back, some holding their transaction open
for long, while a reader polls the whole time: the reader sees every committed
event exactly once and no rolled-back one, and is never held up by the long ones."""

import random
import threading
import time

import pytest
from django.db import connection, transaction

from commands.models import OutboxEvent
from commands.outbox import ReadPosition, outbox_append, read_batch
from projections.visibility import TxSnapshot
from tests.commands.polling import DEADLINE_SECONDS

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 16
TRANSACTIONS_PER_WRITER = 125
ROLLBACK_SHARE = 0.1
LONG_WRITERS = 3
LONG_TRANSACTIONS_PER_WRITER = 3
LONG_HOLD_SECONDS = (0.3, 1.5)


class RolledBack(Exception):
    pass


def _append(ids: list[str], *, writer: str) -> None:
    for aggregate_id in ids:
        outbox_append(
            aggregate_type="product",
            aggregate_id=aggregate_id,
            version=1,
            event_type="ProductCreated",
            payload={"writer": writer},
        )


def write_transactions(*, writer: int, committed: list, rolled_back: list) -> None:
    rng = random.Random(writer)
    try:
        for n in range(TRANSACTIONS_PER_WRITER):
            ids = [f"{writer}-{n}-{k}" for k in range(rng.randint(1, 5))]
            roll_back = rng.random() < ROLLBACK_SHARE
            try:
                with transaction.atomic():
                    for aggregate_id in ids:
                        _append([aggregate_id], writer=str(writer))
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


def write_long_transactions(
    *, writer: int, committed: list, rolled_back: list, seen: list, overtaken: list
) -> None:
    """Transactions that stay open for a while; others' events must pass them.

    `overtaken` gets, per long transaction, how many events the reader
    delivered while it was open.
    """
    rng = random.Random(1000 + writer)
    try:
        for n in range(LONG_TRANSACTIONS_PER_WRITER):
            ids = [f"long-{writer}-{n}-{k}" for k in range(rng.randint(1, 20))]
            try:
                with transaction.atomic():
                    _append(ids, writer=f"long-{writer}")
                    delivered_before = len(seen)
                    time.sleep(rng.uniform(*LONG_HOLD_SECONDS))
                    overtaken.append(len(seen) - delivered_before)
                    if rng.random() < 0.3:
                        raise RolledBack
            except RolledBack:
                rolled_back.extend(ids)
            else:
                committed.extend(ids)
    finally:
        connection.close()


def read_until(*, stop: threading.Event, seen: list, batches: list) -> None:
    position = ReadPosition()
    try:
        while True:
            finishing = stop.is_set()
            batch = read_batch(position=position, limit=500)
            seen.extend(e.aggregate_id for e in batch.events)
            batches.append([e.cursor for e in batch.events])
            position = batch.next
            if finishing and batch.complete and _sees_every_writer(batch.target):
                return
            if not batch.events:
                time.sleep(0.005)  # poll interval of an idle reader
    finally:
        connection.close()


def _sees_every_writer(target: str) -> bool:
    newest = (
        OutboxEvent.objects.order_by("-txid").values_list("txid", flat=True).first()
    )
    return newest is None or TxSnapshot.parse(target).sees(int(newest))


def test_read_batch_returns_every_committed_event_exactly_once_under_load():
    committed: list[str] = []
    rolled_back: list[str] = []
    overtaken: list[int] = []
    seen: list[str] = []
    batches: list[list[tuple[int, int]]] = []
    writers_done = threading.Event()
    writers = [
        threading.Thread(
            target=write_transactions,
            kwargs={"writer": w, "committed": committed, "rolled_back": rolled_back},
        )
        for w in range(WRITERS)
    ] + [
        threading.Thread(
            target=write_long_transactions,
            kwargs={
                "writer": w,
                "committed": committed,
                "rolled_back": rolled_back,
                "seen": seen,
                "overtaken": overtaken,
            },
        )
        for w in range(LONG_WRITERS)
    ]
    reader = threading.Thread(
        target=read_until,
        kwargs={"stop": writers_done, "seen": seen, "batches": batches},
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
    assert any(aggregate_id.startswith("long-") for aggregate_id in rolled_back)
    assert any(aggregate_id.startswith("long-") for aggregate_id in committed)
    assert len(seen) == len(set(seen))
    assert set(seen) == set(committed)
    assert all(cursors == sorted(cursors) for cursors in batches)
    assert max(overtaken) > 0, "the reader waited for the long transactions"
