"""A segment run: bounded, fenced, watermarked, and patient with store outages."""

import pytest
from django.conf import settings

from commands.handlers.category import category_create
from commands.handlers.customer import customer_register
from commands.handlers.product import product_create
from config import connections
from projections.errors import StoreUnavailable
from projections.lifecycle import generations
from projections.models import DeadLetter, SegmentCheckpoint
from projections.running import engine, leases, watermarks
from tests.projections.draining import (
    drain,
    outbox_head_txid,
    search_documents,
)
from tests.projections.netproxy import NetProxy

pytestmark = pytest.mark.usefixtures("engine_db")


def _register(count: int) -> None:
    for n in range(count):
        customer_register(email=f"c{n}@example.com", name=f"C {n}")


def _checkpoints(projection: str) -> list[tuple[str, str, int, int]]:
    rows = SegmentCheckpoint.objects.filter(projection=projection).order_by("segment")
    return [
        (
            row.checkpoint_snapshot,
            row.target_snapshot,
            row.checkpoint_txid,
            row.checkpoint_position,
        )
        for row in rows
    ]


def test_run_segment_stops_at_its_batch_budget_and_reports_more_work(tune):
    tune(SEGMENTS=1, BATCH_SIZE=5, RUN_MAX_BATCHES=2)
    _register(30)

    report = engine.run_segment(projection="customer_summary", segment=0)

    assert (report.batches, report.events, report.more) == (2, 10, True)


def test_run_segment_publishes_a_watermark_past_the_writing_transaction():
    _register(3)
    token = outbox_head_txid()

    drain(names=["customer_summary"])

    assert watermarks.read("customer_summary").sees(token)


def test_run_segment_skips_a_segment_another_runner_holds():
    generations.ensure_live_generation("customer_summary")
    _register(3)
    holder = leases.claim(projection="customer_summary", generation="1", segment=0)

    report = engine.run_segment(projection="customer_summary", segment=0)

    assert holder is not None
    assert report.claimed is False


@pytest.fixture
def search_proxy(tune):
    """This process talks to OpenSearch through a proxy the test can cut."""
    proxy = NetProxy.to(settings.CQRS["OPENSEARCH_URL"])
    tune(
        OPENSEARCH_URL=f"http://127.0.0.1:{proxy.port}",
        STORE_RETRY_SECONDS=1.0,
        SEGMENTS=1,
    )
    connections.reset()
    yield proxy
    proxy.close()
    connections.reset()


def test_store_outage_ends_the_run_without_advancing_or_dead_lettering(search_proxy):
    category = category_create(name="Tools").pk
    drain(names=["products"])
    before = _checkpoints("products")
    product_create(sku="SAW-1", name="Saw", category_id=category, price="9.00")
    search_proxy.cut()

    with pytest.raises(StoreUnavailable):
        engine.run_segment(projection="products", segment=0)

    checkpoint = SegmentCheckpoint.objects.get(projection="products", segment=0)
    assert _checkpoints("products") == before
    assert "StoreUnavailable" in checkpoint.last_error
    assert not DeadLetter.objects.exists()


def test_run_after_an_outage_applies_what_waited(search_proxy):
    category = category_create(name="Tools").pk
    drain(names=["products"])
    product = product_create(
        sku="SAW-1", name="Saw", category_id=category, price="9.00"
    )
    search_proxy.cut()
    with pytest.raises(StoreUnavailable):
        engine.run_segment(projection="products", segment=0)

    search_proxy.restore()
    drain(names=["products"])

    assert str(product.pk) in search_documents("products")
