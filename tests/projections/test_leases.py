"""Segment leases: one runner at a time, and a stale runner cannot move a checkpoint."""

import pytest

from commands.outbox import ReadPosition
from projections.errors import LeaseLost
from projections.lifecycle import generations
from projections.models import SegmentCheckpoint
from projections.running import leases

pytestmark = pytest.mark.usefixtures("engine_db")

SEGMENT = {"projection": "stock", "generation": "1", "segment": 0}


@pytest.fixture
def segment():
    generations.ensure_live_generation("stock")
    return SEGMENT


def _checkpoint() -> SegmentCheckpoint:
    return SegmentCheckpoint.objects.get(**SEGMENT)


def test_claim_refuses_a_second_runner_while_the_lease_is_live(segment):
    first = leases.claim(**segment)

    second = leases.claim(**segment)

    assert first is not None
    assert second is None


def test_claim_takes_over_an_expired_lease_with_a_newer_fence(segment, tune):
    tune(LEASE_SECONDS=0.0)
    stale = leases.claim(**segment)

    fresh = leases.claim(**segment)

    assert fresh is not None
    assert fresh.fence > stale.fence


def test_stale_runner_cannot_advance_the_checkpoint(segment, tune):
    tune(LEASE_SECONDS=0.0)
    stale = leases.claim(**segment)
    fresh = leases.claim(**segment)
    fresh.advance(to=ReadPosition(since="10:12:10"), applied=1, release=False)

    with pytest.raises(LeaseLost):
        stale.advance(to=ReadPosition(since="99:99:"), applied=1, release=False)

    checkpoint = _checkpoint()
    assert checkpoint.checkpoint_snapshot == "10:12:10"
    assert checkpoint.horizon == 10


def test_advance_within_a_pair_keeps_the_target_and_the_cursor(segment):
    lease = leases.claim(**segment)
    paging = ReadPosition(since="5:5:", target="9:12:9", after=(7, 70))

    lease.advance(to=paging, applied=1, release=True)

    assert leases.claim(**segment).position == paging


def _caught_up(lease) -> bool:
    return lease.advance(to=lease.position, applied=0, release=True)


def test_caught_up_runner_keeps_the_lease_when_another_run_asked_for_one(segment):
    holder = leases.claim(**segment)
    assert leases.claim(**segment) is None  # flags the segment wanted

    released = _caught_up(holder)

    assert released is False
    assert _caught_up(holder) is True
    assert leases.claim(**segment) is not None


def test_paused_segment_is_not_claimed(segment):
    SegmentCheckpoint.objects.filter(**SEGMENT).update(paused=True)

    assert leases.claim(**segment) is None
