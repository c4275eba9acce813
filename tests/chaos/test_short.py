"""The short chaos run of the default suite: a private stack started as `make demo`
starts it, under steady write and read load, survives the three faults that
matter most with no staff action (`make chaos` runs the whole matrix)."""

import pytest

from tests.chaos.faults import by_name
from tests.chaos.scenario import READY_DEADLINE, exercise
from tests.chaos.stack import PROJECTIONS

SHORT = ["sigkill-worker-child", "restart-redis", "restart-postgres"]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("fault", [by_name(name) for name in SHORT], ids=str)
def test_stack_recovers_from_fault_under_load(
    chaos_stack, chaos_ids, chaos_outcomes, fault
):
    outcome = exercise(chaos_stack, fault, chaos_ids)
    chaos_outcomes.append(outcome)

    assert outcome.ready_seconds is not None
    assert outcome.ready_seconds <= READY_DEADLINE
    assert outcome.lost == []
    assert outcome.drift == dict.fromkeys(PROJECTIONS, 0)
    assert outcome.read_violations == []
    assert set(outcome.programs.values()) == {"RUNNING"}
