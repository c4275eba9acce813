"""The agreement checker the projection tests rely on finds what it must: a
read model entry with no row behind it (an extra) as much as a wrong one."""

import pytest

from config import connections
from projections import naming
from projections.lifecycle import generations
from tests.projections import agreement
from tests.projections.draining import drain
from tests.projections.workload import Workload

NO_ROW = "987654321"


@pytest.fixture
def projected(engine_db, broker_queues):
    workload = Workload(seed=31)
    workload.setup(products=6, customers=3)
    workload.run_until(events=60)
    drain()


def test_agreement_finds_entries_without_a_row_in_every_kind_of_store(projected):
    clean = agreement.mismatches()
    client = connections.redis_client()
    stock = generations.live_generation("stock").generation
    client.hset(
        f"{naming.redis_prefix(projection='stock', generation=stock)}:{NO_ROW}",
        mapping={"version": 1, "on_hand": 3},
    )
    connections.opensearch().index(
        index=naming.alias("products"),
        id=NO_ROW,
        body={"name": "planted"},
        refresh=True,
    )

    found = agreement.mismatches()

    assert clean == []
    assert found == [f"products: extra {NO_ROW}", f"stock: extra {NO_ROW}"]
