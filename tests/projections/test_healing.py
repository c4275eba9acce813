"""Read models that lose their data are noticed, served as 503, and rebuilt.

A Redis namespace emptied (here: this generation's keys deleted, which is
what FLUSHALL does to them) or an OpenSearch index deleted is found by the
periodic check, marked `lost`, answered with 503 + Retry-After by the read
API, and rebuilt by the queued task into data equal to what was there. An
outage (store unreachable) is not a loss: nothing is rebuilt.
"""

from io import StringIO
from typing import Any

import pytest
import requests
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from commands.handlers.apikey import apikey_issue
from config import connections
from projections import naming
from projections.errors import StoreUnavailable
from projections.lifecycle import generations
from projections.models import GenerationState, ProjectionGeneration
from projections.ops.status import projection_status
from projections.rebuilds import healing
from projections.rebuilds.actors import rebuild_projection_task
from projections.rebuilds.ledger import open_ledger
from projections.rebuilds.models import RebuildRun, RebuildState
from projections.running import engine
from tests.processes import free_port, http_get
from tests.projections import agreement
from tests.projections.draining import drain, search_documents
from tests.projections.workload import Workload


@pytest.fixture
def projected(engine_db, broker_queues):
    """A workload through every projection (generation 1), and a key to read with."""
    _clear_stores()  # a killed earlier session may have left keys behind
    workload = Workload(seed=17)
    workload.setup(products=12, customers=6)
    workload.run_until(events=150)
    _, raw_key = apikey_issue(name="healing", scopes=["catalog:read", "orders:read"])
    drain()
    return {
        "key": {"Authorization": f"Api-Key {raw_key}"},
        "product": workload.products[0],
        "customer": workload.customers[0],
    }


def _clear_stores() -> None:
    namespace = naming.namespace()
    client = connections.redis_client()
    keys = list(client.scan_iter(match=f"{namespace}:*", count=1000))
    if keys:
        client.delete(*keys)
    connections.opensearch().indices.delete(
        index=f"{namespace}-*", ignore_unavailable=True
    )


def _redis_contents(projection: str, *, generation: str | None = None) -> dict:
    """A generation's keys (default: the live one), without the generation in
    their names, and their values."""
    client = connections.redis_client()
    generation = generation or generations.live_generation(projection).generation
    prefix = naming.redis_prefix(projection=projection, generation=generation)
    contents: dict[str, Any] = {}
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        suffix = key[len(prefix) + 1 :]
        if client.type(key) == "zset":
            contents[suffix] = client.zrange(key, 0, -1, withscores=True)
        else:
            contents[suffix] = (
                client.get(key) if suffix == naming.MARKER else (client.hgetall(key))
            )
    return contents


def _empty_namespace(projection: str) -> None:
    client = connections.redis_client()
    live = generations.live_generation(projection)
    prefix = naming.redis_prefix(projection=projection, generation=live.generation)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    client.delete(*keys)


def _answer(url: str, *, key: dict[str, str]) -> tuple[int, Any]:
    """Status and body, without page links (their cursors are signed anew)."""
    status, body = http_get(url, headers=key)
    return status, {k: v for k, v in body.items() if k not in ("next", "previous")}


def _run_every_segment(projection: str) -> None:
    """One run of each segment (the reader sees every committed event at once)."""
    for segment in range(4):
        engine.run_segment(projection=projection, segment=segment)


def _heal_queued(projection: str) -> RebuildRun:
    return RebuildRun.objects.get(
        projection=projection,
        state=RebuildState.PENDING,
        requested_by=healing.HEALER,
    )


def _states(projection: str) -> dict[str, str]:
    return dict(
        ProjectionGeneration.objects.filter(projection=projection).values_list(
            "generation", "state"
        )
    )


REDIS_READS = {
    "stock": lambda ids: f"/v1/stock/{ids['product']}",
    "top_products": lambda ids: "/v1/leaderboards/top-products",
    "customer_summary": lambda ids: f"/v1/customers/{ids['customer']}/summary",
    # Without the keys the read API cannot authenticate anybody.
    "api_keys": lambda ids: f"/v1/stock/{ids['product']}",
}


@pytest.mark.parametrize("projection", list(REDIS_READS))
def test_healing_rebuilds_an_emptied_redis_namespace(
    projection, projected, read_server
):
    path = f"{read_server}{REDIS_READS[projection](projected)}"
    before = _redis_contents(projection)
    served = _answer(path, key=projected["key"])
    _empty_namespace(projection)

    found = healing.check_and_heal()
    meanwhile = http_get(path, headers=projected["key"])
    healing.check_and_heal()  # a second check queues no second rebuild
    rebuild_projection_task(_heal_queued(projection).pk)

    assert found == [projection]
    assert meanwhile[0] == 503
    assert meanwhile[1]["error"]["code"] == "read_model_unavailable"
    assert _states(projection) == {"2": GenerationState.LIVE}
    assert _redis_contents(projection) == before
    assert _answer(path, key=projected["key"]) == served
    assert RebuildRun.objects.filter(projection=projection).count() == 1


def test_healing_answers_503_with_retry_after_while_a_model_is_lost(
    projected, read_server
):
    _empty_namespace("top_products")
    healing.check_and_heal()

    response = requests.get(
        f"{read_server}/v1/leaderboards/top-products",
        headers=projected["key"],
        timeout=30,
    )

    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    assert response.json()["error"]["code"] == "read_model_unavailable"


OPENSEARCH_READS = {
    "products": lambda ids: [f"/v1/products/{ids['product']}", "/v1/products"],
    "orders": lambda ids: ["/v1/orders/1", f"/v1/orders?customer={ids['customer']}"],
}


@pytest.mark.parametrize("projection", list(OPENSEARCH_READS))
def test_healing_rebuilds_a_deleted_index(projection, projected, read_server):
    paths = [f"{read_server}{p}" for p in OPENSEARCH_READS[projection](projected)]
    before = {doc_id: doc for doc_id, (_, doc) in search_documents(projection).items()}
    connections.opensearch().indices.delete(
        index=naming.index_name(projection=projection, generation="1")
    )

    found = healing.check_and_heal()
    meanwhile = [http_get(path, headers=projected["key"])[0] for path in paths]
    rebuild_projection_task(_heal_queued(projection).pk)

    assert found == [projection]
    assert meanwhile == [503, 503]
    assert _states(projection) == {"2": GenerationState.LIVE}
    after = {doc_id: doc for doc_id, (_, doc) in search_documents(projection).items()}
    assert after == before
    assert agreement.mismatches() == []


def test_healing_an_index_auto_created_by_a_late_write_is_still_lost(projected):
    index = naming.index_name(projection="orders", generation="1")
    client = connections.opensearch()
    client.indices.delete(index=index)
    client.index(index=index, id="1", body={"id": 1})  # OpenSearch auto-creates it

    assert healing.check_and_heal() == ["orders"]
    assert _states("orders") == {"1": GenerationState.LOST}


def test_healing_puts_back_a_deleted_alias_without_a_rebuild(projected, read_server):
    connections.opensearch().indices.delete_alias(
        index=naming.index_name(projection="products", generation="1"),
        name=naming.alias("products"),
    )

    found = healing.check_and_heal()

    assert found == []
    assert _states("products") == {"1": GenerationState.LIVE}
    assert not RebuildRun.objects.exists()
    path = f"{read_server}/v1/products/{projected['product']}"
    assert http_get(path, headers=projected["key"])[0] == 200


def test_healing_a_projector_run_finds_the_loss_before_writing(projected):
    _empty_namespace("stock")
    Workload(seed=18).setup(products=2, customers=1)  # events for stock to apply

    _run_every_segment("stock")

    assert _states("stock") == {"1": GenerationState.LOST}
    # Nothing was written into the lost namespace.
    assert _redis_contents("stock", generation="1") == {}


@pytest.mark.parametrize(
    ("store", "url", "projection"),
    [
        ("REDIS_URL", "redis://127.0.0.1:{port}/0", "stock"),
        ("OPENSEARCH_URL", "http://127.0.0.1:{port}", "products"),
    ],
)
def test_healing_an_unreachable_store_is_an_outage_not_a_loss(
    store, url, projection, projected, tune
):
    reachable = settings.CQRS[store]
    tune(**{store: url.format(port=free_port())})
    connections.reset()
    try:
        found = healing.check_and_heal()
        Workload(seed=19).setup(products=2, customers=1)
        with pytest.raises(StoreUnavailable):
            _run_every_segment(projection)
    finally:
        tune(**{store: reachable})
        connections.reset()

    assert found == []
    assert {name: _states(name) for name in REDIS_READS | OPENSEARCH_READS} == {
        name: {"1": GenerationState.LIVE} for name in REDIS_READS | OPENSEARCH_READS
    }
    assert healing.check_and_heal() == []  # back, with its data: nothing to heal
    assert not RebuildRun.objects.exists()


def test_healing_status_says_lost_then_rebuilding(projected):
    _empty_namespace("stock")
    healing.check_and_heal()
    lost = {row.state for row in projection_status(projection="stock")}

    with open_ledger() as ledger:
        ledger.try_lock("stock")  # what a running rebuild holds
        rebuilding = {row.state for row in projection_status(projection="stock")}

    assert lost == {"lost"}
    assert rebuilding == {"rebuilding"}


def test_healing_projection_status_exits_non_zero_while_a_model_is_lost(projected):
    healthy = _status_problem()
    _empty_namespace("stock")
    healing.check_and_heal()

    problem = _status_problem()

    assert healthy is None
    assert problem is not None and "lost" in problem and "stock/" in problem


def _status_problem() -> str | None:
    """The error `projection_status` exits with (None: it exited zero)."""
    try:
        call_command("projection_status", stdout=StringIO())
    except CommandError as exc:
        return str(exc)
    return None


def test_healing_admin_lists_a_lost_generation(projected, admin_client):
    _empty_namespace("customer_summary")
    healing.check_and_heal()

    page = admin_client.get(
        "/admin/projections/projectiongeneration/?projection=customer_summary"
    )

    assert page.status_code == 200
    assert ">lost<" in page.content.decode()
