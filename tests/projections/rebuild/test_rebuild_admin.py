"""Staff start a rebuild from the admin; a Dramatiq task runs it; the admin shows it."""

import dramatiq
import pytest

from projections.models import GenerationState, ProjectionGeneration
from projections.rebuilds.actors import QUEUE
from projections.rebuilds.ledger import open_ledger
from projections.rebuilds.models import RebuildRun, RebuildState

ADD_URL = "/admin/projections/rebuildrun/add/"
LIST_URL = "/admin/projections/rebuildrun/"


@pytest.fixture
def worker(broker_queues):
    worker = dramatiq.Worker(broker_queues, worker_threads=1, worker_timeout=100)
    worker.start()
    yield broker_queues
    worker.stop()


def test_admin_add_queues_a_rebuild_that_a_worker_carries_out(
    catalog, admin_client, worker
):
    response = admin_client.post(
        ADD_URL, {"projection": "products", "batch_size": "40", "keep": "1"}
    )
    queued = RebuildRun.objects.get()
    worker.join(QUEUE, timeout=60_000)

    assert response.status_code == 302
    assert (queued.state, queued.requested_by) == (RebuildState.PENDING, "admin")
    run = RebuildRun.objects.get()
    assert (run.state, run.generation, run.rows_done) == (
        RebuildState.SUCCEEDED,
        "2",
        120,
    )
    assert (
        ProjectionGeneration.objects.get(generation="2").state == GenerationState.LIVE
    )
    listing = admin_client.get(LIST_URL).content.decode()
    assert "120 / 120 (100%)" in listing
    assert "succeeded" in listing


def test_admin_shows_why_a_queued_rebuild_could_not_start(
    catalog, admin_client, worker
):
    with open_ledger() as ledger:
        assert ledger.try_lock("products")
        admin_client.post(
            ADD_URL, {"projection": "products", "batch_size": "40", "keep": "1"}
        )
        worker.join(QUEUE, timeout=60_000)

    run = RebuildRun.objects.get()
    assert run.state == RebuildState.FAILED
    assert "another rebuild or rollback of 'products' is running" in run.error
