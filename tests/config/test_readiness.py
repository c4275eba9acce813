"""The write role's /readyz: a live worker heartbeat, and lag under a threshold."""

import pytest
from django.test import Client, override_settings

from commands.handlers.customer import customer_register
from projections import registry
from projections.lifecycle import generations
from projections.running import workers
from tests.processes import child_pids, poll_until
from tests.projections.draining import drain

pytestmark = pytest.mark.usefixtures("transactional_db", "read_models")


@pytest.fixture
def read_models(redis_client, opensearch):
    """Generation 1 of every read model in the stores (no database rows needed)."""
    for spec in registry.all_specs():
        generations.store_for(spec=spec, generation="1").ensure(live=True)


def readyz() -> tuple[int, dict[str, str]]:
    response = Client().get("/readyz")
    return response.status_code, response.json()


def check(body: dict[str, str], name: str) -> str:
    return next(value for key, value in body.items() if key.startswith(name))


def with_cqrs(**values):
    from django.conf import settings

    return override_settings(CQRS={**settings.CQRS, **values})


def test_readyz_fails_without_a_live_worker_although_nothing_is_behind():
    with with_cqrs(READY_REQUIRE_WORKER=True):
        status, body = readyz()

    assert status == 503
    assert "no live worker" in check(body, "WorkerHeartbeatCheck")


def test_readyz_passes_with_a_fresh_worker_heartbeat():
    workers.beat(key=workers.heartbeat_key(host="box", pid=1))

    with with_cqrs(READY_REQUIRE_WORKER=True):
        status, body = readyz()

    assert status == 200
    assert check(body, "WorkerHeartbeatCheck") == "OK"


def test_worker_process_keeps_a_heartbeat_while_it_runs(worker_process):
    alive = poll_until(workers.live_workers, timeout=60)

    beating = {int(entry.rsplit(":", 1)[1]) for entry in alive}
    assert beating
    assert beating <= set(child_pids(worker_process.popen.pid))


def test_worker_process_clears_its_heartbeat_when_it_stops(worker_process):
    def own_beats() -> set[int]:
        children = set(child_pids(worker_process.popen.pid))
        return {pid for pid in _pids(workers.live_workers()) if pid in children}

    children = poll_until(own_beats, timeout=60)

    worker_process.stop()

    # Only this worker's heartbeats: another test's worker may still be beating
    # in the same namespace until its key expires.
    assert not {pid for pid in _pids(workers.live_workers()) if pid in children}


def _pids(entries: list[str]) -> set[int]:
    return {int(entry.rsplit(":", 1)[1]) for entry in entries}


def test_readyz_fails_when_a_projection_lags_past_the_threshold():
    customer_register(email="lag@example.com", name="Lag")
    drain(names=["customer_summary"])
    customer_register(email="late@example.com", name="Late")

    with with_cqrs(READY_MAX_LAG_SECONDS=0.000001):
        status, body = readyz()

    assert status == 503
    assert "customer_summary/" in check(body, "ProjectionLagCheck")


def test_readyz_passes_once_projections_catch_up_under_the_threshold():
    customer_register(email="lag@example.com", name="Lag")
    drain()

    with with_cqrs(READY_MAX_LAG_SECONDS=0.000001):
        status, body = readyz()

    assert status == 200
    assert check(body, "ProjectionLagCheck") == "OK"
