"""projection_status shows where each segment stands and what is wrong."""

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from commands.handlers.customer import customer_register
from projections import generations
from projections.models import DeadLetter
from tests.projections.draining import drain, wait_until_committed_events_visible

pytestmark = pytest.mark.usefixtures("engine_db")


def _status(*args: str) -> list[dict]:
    out = StringIO()
    call_command("projection_status", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def _lag(rows: list[dict]) -> int:
    return sum(row["lag_events"] for row in rows)


@pytest.fixture
def customers():
    generations.ensure_live_generation("customer_summary")
    created = [
        customer_register(email=f"c{n}@example.com", name=f"C {n}") for n in range(8)
    ]
    wait_until_committed_events_visible()
    return created


def test_projection_status_counts_waiting_events_until_they_are_applied(customers):
    before = _status("customer_summary")
    drain(names=["customer_summary"])
    after = _status("customer_summary")

    assert (_lag(before), _lag(after)) == (8, 0)
    assert {row["state"] for row in after} == {"idle"}
    assert [row["checkpoint"] for row in after] == [
        row["head"] or [0, 0] for row in after
    ]


def test_projection_status_reports_a_segment_whose_events_wait_as_stalled(
    customers, tune
):
    tune(STALL_SECONDS=0)
    rows = _status("customer_summary")

    assert {row["state"] for row in rows if row["lag_events"]} == {"stalled"}


def test_projection_status_counts_parked_dead_letters(customers):
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

    rows = _status("customer_summary")

    assert [row["dead_letters"] for row in rows] == [0, 0, 1, 0]


def test_projection_status_prints_a_row_per_segment(customers):
    out = StringIO()

    call_command("projection_status", "customer_summary", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["projection", "gen", "seg"]
    assert [line.split()[0] for line in lines[1:]] == ["customer_summary"] * 4


def test_projection_status_names_an_unknown_projection():
    with pytest.raises(CommandError, match="unknown projection 'nope'"):
        call_command("projection_status", "nope")
