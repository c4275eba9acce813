"""The whole chaos matrix (`make chaos`): every process killed (SIGKILL and SIGTERM),
every store restarted or cut off, Redis flushed, the live products index deleted,
one after another against one running private stack under steady load. After
each, with no staff action: serving within 30 s, 0 acknowledged writes lost,
0 drift in all six projections, no 5xx but 503 and no empty 200 on reads."""

import pytest

from tests.chaos.faults import data_loss_faults, process_faults, store_faults
from tests.chaos.scenario import READY_DEADLINE, exercise
from tests.chaos.stack import PROJECTIONS

pytestmark = pytest.mark.chaos

MATRIX = process_faults() + store_faults() + data_loss_faults()


@pytest.mark.timeout(900)
@pytest.mark.parametrize("fault", MATRIX, ids=str)
def test_stack_recovers_from_every_fault_under_load(
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
