"""`read_batch` returns committed events only, each once, without waiting for
transactions that are still open (in this database or another)."""

import pytest
from django.db import transaction

from commands.outbox import (
    ReadPosition,
    current_txid,
    outbox_append,
    read_batch,
    shard_of,
)
from projections.visibility import NOTHING, TxSnapshot
from tests.commands.polling import read_past
from tests.sessions import pg_session

pytestmark = pytest.mark.django_db(transaction=True)

RAW_INSERT = """
INSERT INTO commands_outboxevent (event_id, aggregate_type, aggregate_id,
    aggregate_version, shard, event_type, schema_version, payload, occurred_at,
    correlation_id)
VALUES (gen_random_uuid(), 'product', %s, 1, 0, 'ProductCreated', 1, '{}', now(), '')
"""


def append_committed(aggregate_id: int) -> int:
    """Append one event in its own committed transaction; returns its txid."""
    with transaction.atomic():
        outbox_append(
            aggregate_type="product",
            aggregate_id=aggregate_id,
            version=1,
            event_type="ProductCreated",
            payload={"id": aggregate_id},
        )
        return current_txid()


def ids(batch) -> list[str]:
    return [e.aggregate_id for e in batch.events]


@pytest.fixture
def other_database():
    """A session on another database of the same server, for an open transaction."""
    conn = pg_session("postgres")
    yield conn
    conn.close()


def test_read_batch_returns_later_commits_while_an_older_writer_is_open(
    raw_connection,
):
    raw_connection.execute(RAW_INSERT, ["1"])  # transaction stays open
    append_committed(2)

    assert ids(read_batch(position=ReadPosition(), limit=10)) == ["2"]


def test_read_batch_is_not_held_back_by_a_transaction_in_another_database(
    other_database,
):
    other_database.execute("SELECT pg_current_xact_id()")  # holds an xid, open
    append_committed(1)

    assert ids(read_batch(position=ReadPosition(), limit=10)) == ["1"]


def test_read_batch_delivers_an_open_writer_once_after_it_commits(raw_connection):
    raw_connection.execute(RAW_INSERT, ["1"])
    first = read_batch(position=ReadPosition(), limit=10)
    second_txid = append_committed(2)
    second = read_batch(position=first.next, limit=10)
    raw_connection.commit()

    third = read_batch(position=second.next, limit=10)
    fourth = read_batch(position=third.next, limit=10)

    assert (ids(first), ids(second), ids(third), ids(fourth)) == ([], ["2"], ["1"], [])
    assert second.events[0].txid == second_txid


def test_read_batch_never_returns_a_rolled_back_writer(raw_connection):
    raw_connection.execute(RAW_INSERT, ["1"])
    first = read_batch(position=ReadPosition(), limit=10)
    raw_connection.rollback()
    append_committed(2)

    rest = read_batch(position=first.next, limit=10)

    assert ids(first) + ids(rest) == ["2"]


def test_read_batch_pages_a_pair_bigger_than_the_limit_with_one_target():
    for aggregate_id in range(1, 6):
        append_committed(aggregate_id)
    first = read_batch(position=ReadPosition(), limit=2)
    append_committed(6)  # after the target: the next pair

    second = read_batch(position=first.next, limit=2)
    third = read_batch(position=second.next, limit=2)
    fourth = read_batch(position=third.next, limit=2)

    assert [ids(first), ids(second), ids(third)] == [["1", "2"], ["3", "4"], ["5"]]
    assert (first.complete, second.complete, third.complete) == (False, False, True)
    assert second.target == first.target
    assert ids(fourth) == ["6"]


def test_read_batch_returns_only_the_requested_shards():
    for aggregate_id in range(1, 21):
        append_committed(aggregate_id)
    wanted = {shard_of(aggregate_type="product", aggregate_id=7)}

    batch = read_batch(position=ReadPosition(), limit=100, shards=wanted)

    assert {e.shard for e in batch.events} == wanted
    assert "7" in ids(batch)


def test_read_batch_moves_the_checkpoint_to_its_target_when_complete():
    txid = append_committed(1)
    caught_up = read_past(txid)

    batch = read_batch(position=caught_up.next, limit=10)

    assert batch.events == ()
    assert TxSnapshot.parse(batch.next.since).sees(txid)
    assert TxSnapshot.parse(batch.next.since).covers(
        TxSnapshot.parse(caught_up.next.since)
    )


def test_read_position_starts_seeing_nothing():
    assert ReadPosition().since == NOTHING


def test_read_batch_returns_contract_records():
    txid = append_committed(9)

    record = read_past(txid, limit=1).events[0]

    assert record.txid == txid
    assert record.payload == {"id": 9}
    assert record.aggregate_version == 1
    assert record.schema_version == 1
    assert record.cursor == (txid, record.position)
