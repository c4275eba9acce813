"""Store outages delay projections; they never dead-letter events or lose them."""

import pytest
from django.conf import settings

from projections.models import DeadLetter, SegmentCheckpoint
from tests.processes import poll_until, start_listener, start_worker
from tests.projections import agreement
from tests.projections.netproxy import NetProxy
from tests.projections.workload import Workload

EVENTS = 2500


@pytest.fixture
def proxies():
    """Proxies between the worker and OpenSearch / the data Redis (the broker
    stays direct), so only this test's worker sees the outage."""
    search = NetProxy.to(settings.CQRS["OPENSEARCH_URL"])
    data = NetProxy.to(settings.CQRS["REDIS_URL"])
    yield search, data
    search.close()
    data.close()


def _outage_seen() -> bool:
    return SegmentCheckpoint.objects.filter(
        last_error__contains="StoreUnavailable"
    ).exists()


@pytest.mark.slow
@pytest.mark.usefixtures("broker_queues")
def test_projections_converge_after_opensearch_and_redis_outage(
    projector_env, proxies, tmp_path
):
    search, data = proxies
    env = {
        **projector_env,
        "OPENSEARCH_URL": search.url_for(settings.CQRS["OPENSEARCH_URL"]),
        "REDIS_URL": data.url_for(settings.CQRS["REDIS_URL"]),
        # The broker stays on the real Redis: only the read-model connections are cut.
        "DRAMATIQ_BROKER_URL": settings.CQRS["REDIS_URL"],
    }
    listener = start_listener(env=projector_env, log_dir=tmp_path)
    worker = start_worker(env=env, log_dir=tmp_path)
    try:
        workload = Workload(seed=9)
        workload.setup()
        workload.run_until(events=EVENTS // 2)
        search.cut()
        data.cut()
        workload.run_until(events=EVENTS)
        poll_until(_outage_seen, timeout=30, interval=0.2)
        search.restore()
        data.restore()
        poll_until(lambda: not agreement.mismatches(), timeout=90, interval=1.0)
    finally:
        worker.stop()
        listener.stop()

    assert agreement.mismatches() == []
    assert not DeadLetter.objects.exists()
