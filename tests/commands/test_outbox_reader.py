"""`read_after` returns committed events only, in commit-safe order, never skipping one."""

import pytest
from django.db import transaction

from commands.outbox import current_txid, outbox_append, read_after, shard_of
from tests.commands.polling import read_past

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


def read_all() -> list[str]:
    return [e.aggregate_id for e in read_after(after=None, limit=1000).events]


def test_read_after_holds_back_later_commits_behind_an_open_writer(raw_connection):
    raw_connection.execute(RAW_INSERT, ["1"])  # transaction stays open
    append_committed(2)

    assert read_all() == []


def test_read_after_horizon_stays_at_or_below_an_open_writer(raw_connection):
    raw_connection.execute(RAW_INSERT, ["1"])
    open_txid = raw_connection.execute(
        "SELECT pg_current_xact_id()::text::bigint"
    ).fetchone()[0]

    assert read_after(after=None, limit=10).horizon <= open_txid


def test_read_after_returns_both_in_txid_order_once_the_open_writer_commits(
    raw_connection,
):
    raw_connection.execute(RAW_INSERT, ["1"])
    first = read_after(after=None, limit=10)
    later_txid = append_committed(2)
    raw_connection.commit()

    batch = read_past(later_txid, after=first.last)

    assert [e.aggregate_id for e in batch.events] == ["1", "2"]
    assert batch.events[1].txid == later_txid


def test_read_after_skips_nothing_when_positions_commit_out_of_order(raw_connection):
    raw_connection.execute(RAW_INSERT, ["1"])  # lower position, commits last
    append_committed(2)
    seen = read_all()
    raw_connection.commit()
    last_txid = append_committed(3)

    batch = read_past(last_txid)

    assert seen == []
    assert [e.aggregate_id for e in batch.events] == ["1", "2", "3"]


def test_read_after_moves_on_past_a_rolled_back_writer(raw_connection):
    raw_connection.execute(RAW_INSERT, ["1"])
    txid = append_committed(2)
    raw_connection.rollback()

    batch = read_past(txid)

    assert [e.aggregate_id for e in batch.events] == ["2"]


def test_read_after_resumes_after_the_cursor():
    txids = [append_committed(aggregate_id) for aggregate_id in range(1, 6)]
    first = read_past(txids[-1], limit=2)

    rest = read_after(after=first.last, limit=10)

    assert [e.aggregate_id for e in first.events] == ["1", "2"]
    assert [e.aggregate_id for e in rest.events] == ["3", "4", "5"]


def test_read_after_returns_only_the_requested_shards():
    txids = [append_committed(aggregate_id) for aggregate_id in range(1, 21)]
    wanted = {shard_of(aggregate_type="product", aggregate_id=7)}

    batch = read_past(txids[-1], shards=wanted)

    assert {e.shard for e in batch.events} == wanted
    assert "7" in {e.aggregate_id for e in batch.events}


def test_read_after_returns_an_empty_batch_with_its_horizon():
    txid = append_committed(1)
    caught_up = read_past(txid)

    batch = read_after(after=caught_up.last, limit=10)

    assert batch.events == ()
    assert batch.horizon >= caught_up.horizon


def test_read_after_returns_contract_records():
    txid = append_committed(9)

    record = read_past(txid, limit=1).events[0]

    assert record.txid == txid
    assert record.payload == {"id": 9}
    assert record.aggregate_version == 1
    assert record.schema_version == 1
    assert record.cursor == (txid, record.position)
