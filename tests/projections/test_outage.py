"""Store outages delay projections; they never dead-letter events or lose them."""

import pytest

from projections.models import DeadLetter
from tests.processes import poll_until, start_listener, start_worker
from tests.projections import agreement
from tests.projections.store_outage import outage_seen
from tests.projections.workload import Workload

EVENTS = 2500


@pytest.mark.slow
@pytest.mark.usefixtures("broker_queues")
def test_projections_converge_after_opensearch_and_redis_outage(
    projector_env, cut_stores, tmp_path
):
    env = cut_stores.env(projector_env)
    listener = start_listener(env=projector_env, log_dir=tmp_path)
    worker = start_worker(env=env, log_dir=tmp_path)
    try:
        workload = Workload(seed=9)
        workload.setup()
        workload.run_until(events=EVENTS // 2)
        cut_stores.cut()
        workload.run_until(events=EVENTS)
        poll_until(outage_seen, timeout=30, interval=0.2)
        cut_stores.restore()
        poll_until(lambda: not agreement.mismatches(), timeout=90, interval=1.0)
    finally:
        worker.stop()
        listener.stop()

    assert agreement.mismatches() == []
    assert not DeadLetter.objects.exists()
