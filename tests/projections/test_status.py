"""projection_status shows where each segment stands and what is wrong."""

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from commands.handlers.customer import customer_register
from projections.lifecycle import generations
from projections.models import DeadLetter
from projections.running import workers
from projections.running.wakeups import wake_pending
from projections.visibility import TxSnapshot
from tests.projections.draining import drain
from tests.sessions import pg_session

pytestmark = pytest.mark.usefixtures("engine_db")


def _run(*args: str) -> tuple[str, str | None]:
    """The command's output, and its error message (None: it exited zero)."""
    out = StringIO()
    try:
        call_command("projection_status", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), str(exc)
    return out.getvalue(), None


def _status(*args: str) -> list[dict]:
    output, _ = _run(*args, "--json")
    return json.loads(output)


def _park_dead_letter() -> None:
    DeadLetter.objects.create(
        projection="customer_summary",
        generation="1",
        segment=2,
        position=1,
        txid=1,
        event_id=uuid.uuid4(),
        aggregate_type="customer",
        aggregate_id="1",
        aggregate_version=1,
        shard=2,
        event_type="CustomerRegistered",
        payload={},
        occurred_at=timezone.now(),
        error="ValueError: boom",
    )


def _lag(rows: list[dict]) -> int:
    return sum(row["lag_events"] for row in rows)


@pytest.fixture
def customers():
    generations.ensure_live_generation("customer_summary")
    created = [
        customer_register(email=f"c{n}@example.com", name=f"C {n}") for n in range(8)
    ]
    return created


def test_projection_status_counts_waiting_events_until_they_are_applied(customers):
    before = _status("customer_summary")
    drain(names=["customer_summary"])
    after = _status("customer_summary")

    assert (_lag(before), _lag(after)) == (8, 0)
    assert {row["state"] for row in after} == {"idle"}
    assert all(
        TxSnapshot.parse(row["checkpoint"]).sees(row["head"][0])
        for row in after
        if row["head"]
    )


def test_projection_status_reports_a_segment_whose_events_wait_as_stalled(
    customers, tune
):
    tune(STALL_SECONDS=0)
    rows = _status("customer_summary")

    assert {row["state"] for row in rows if row["lag_events"]} == {"stalled"}


def test_projection_status_counts_parked_dead_letters(customers):
    _park_dead_letter()

    rows = _status("customer_summary")

    assert [row["dead_letters"] for row in rows] == [0, 0, 1, 0]


def test_projection_status_exits_zero_when_every_segment_is_healthy(customers):
    drain(names=["customer_summary"])

    table, table_error = _run("customer_summary")
    as_json, json_error = _run("customer_summary", "--json")

    assert (table_error, json_error) == (None, None)
    assert len(json.loads(as_json)) == 4


def test_projection_status_exits_non_zero_on_a_stalled_segment(customers, tune):
    tune(STALL_SECONDS=0)

    as_json, error = _run("customer_summary", "--json")

    assert "stalled" in {row["state"] for row in json.loads(as_json)}
    assert error is not None
    assert "need attention (stalled;" in error


def test_projection_status_exits_non_zero_on_dead_letters(customers):
    drain(names=["customer_summary"])
    _park_dead_letter()

    as_json, error = _run("customer_summary", "--json")
    _, quiet_error = _run("customer_summary", "-v", "0")

    assert [row["dead_letters"] for row in json.loads(as_json)] == [0, 0, 1, 0]
    assert error == quiet_error
    assert "1 segment(s) need attention (no stalls; 1 dead letters)" in error
    assert "customer_summary/1/2" in error
    assert "replay_dead_letters" in error


def test_projection_status_prints_a_row_per_segment(customers):
    output, _ = _run("customer_summary")

    lines = output.splitlines()
    assert lines[0].split()[:3] == ["projection", "gen", "seg"]
    assert [line.split()[0] for line in lines[1:5]] == ["customer_summary"] * 4
    assert lines[5].startswith("workers alive:")


def test_projection_status_warns_when_no_worker_is_alive(customers, redis_client):
    output, _ = _run("customer_summary")

    assert "workers alive: 0 - no Dramatiq worker heartbeat" in output


def test_projection_status_counts_live_worker_heartbeats(customers, redis_client):
    workers.beat(key=workers.heartbeat_key(host="box", pid=4242))

    output, _ = _run("customer_summary")

    assert "workers alive: 1 (box:4242)" in output


def test_projection_status_names_an_unknown_projection():
    with pytest.raises(CommandError, match="unknown projection 'nope'"):
        call_command("projection_status", "nope")


@pytest.fixture
def holder():
    """An open transaction of this database holding an event of its own."""
    session = pg_session(connection.settings_dict["NAME"])
    session.execute(HOLDING_INSERT)
    yield session
    session.close()


@pytest.fixture
def other_database_transaction():
    """An open transaction with a txid in another database of the server."""
    session = pg_session("postgres")
    session.execute("SELECT pg_current_xact_id()")
    yield session
    session.close()


def test_projection_status_names_the_open_transaction_a_checkpoint_waits_for(
    customers, holder, other_database_transaction
):
    drain(names=["customer_summary"])
    wake_pending()  # checkpoints move on: the holder was running then

    rows = _status("customer_summary")
    out = StringIO()
    call_command("projection_status", "customer_summary", stdout=out)

    assert {h["pid"] for row in rows for h in row["held_by"]} == {
        holder.info.backend_pid
    }
    assert {h["database"] for row in rows for h in row["held_by"]} == {
        connection.settings_dict["NAME"]
    }
    assert f"waiting for open transaction pid {holder.info.backend_pid}" in (
        out.getvalue()
    )


def test_admin_checkpoint_list_names_the_open_transaction_it_waits_for(
    customers, holder, admin_client
):
    drain(names=["customer_summary"])
    wake_pending()  # checkpoints move on: the holder was running then

    response = admin_client.get("/admin/projections/segmentcheckpoint/")

    assert response.status_code == 200
    assert f"open transaction pid {holder.info.backend_pid}" in (
        response.content.decode()
    )


HOLDING_INSERT = """
INSERT INTO commands_outboxevent (event_id, aggregate_type, aggregate_id,
    aggregate_version, shard, event_type, schema_version, payload, occurred_at,
    correlation_id)
VALUES (gen_random_uuid(), 'customer', 'x', 1, 0, 'CustomerRegistered', 1, '{}',
        now(), '')
"""
