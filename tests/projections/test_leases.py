"""Segment leases: one runner at a time, and a stale runner cannot move a checkpoint."""

import pytest

from projections import generations, leases
from projections.errors import LeaseLost
from projections.models import SegmentCheckpoint

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
    fresh.advance(txid=10, position=100, horizon=10, applied=1, release=False)

    with pytest.raises(LeaseLost):
        stale.advance(txid=99, position=999, horizon=99, applied=1, release=False)

    checkpoint = _checkpoint()
    assert (checkpoint.checkpoint_txid, checkpoint.checkpoint_position) == (10, 100)
    assert checkpoint.horizon == 10


def _caught_up(lease) -> bool:
    return lease.advance(txid=0, position=0, horizon=1, applied=0, release=True)


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
