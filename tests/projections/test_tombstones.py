"""Deleted products stay deleted, however late a stale write arrives."""

import pytest
from opensearchpy.exceptions import ConflictError

from commands.handlers.category import category_create
from commands.handlers.product import product_create, product_delete
from config import connections
from projections import naming, registry
from projections.lifecycle import generations
from projections.products.schema import MAPPINGS, SETTINGS
from tests.processes import poll_until
from tests.projections.draining import drain

pytestmark = pytest.mark.usefixtures("engine_db")

INDEX_SETTINGS = {**SETTINGS, "index.gc_deletes": "1s"}


@pytest.fixture
def index() -> str:
    """The live products index, created with `index.gc_deletes: 1s` (default 60s)
    so the test can outlive OpenSearch's memory of deletes quickly."""
    name = naming.index_name(projection="products", generation="1")
    connections.opensearch().indices.create(
        index=name,
        body={
            "settings": INDEX_SETTINGS,
            "mappings": MAPPINGS,
            "aliases": {naming.alias("products"): {}},
        },
    )
    return name


def _gc_deletes_has_passed(index: str) -> bool:
    """A document removed with a real DELETE accepts an older version again
    once OpenSearch has forgotten the delete: the hazard tombstones avoid."""
    client = connections.opensearch()
    client.indices.refresh(index=index)
    try:
        client.index(
            index=index,
            id="control",
            body={"id": 0, "deleted": False},
            version=2,
            version_type="external",
        )
    except ConflictError:
        return False
    return True


def _delete_control(index: str) -> None:
    client = connections.opensearch()
    client.index(
        index=index, id="control", body={"id": 0}, version=5, version_type="external"
    )
    client.delete(index=index, id="control", version=6, version_type="external")


def test_stale_write_after_gc_deletes_does_not_resurrect_a_deleted_product(index):
    category = category_create(name="Tools").pk
    product = product_create(
        sku="SAW-1", name="Saw", category_id=category, price="9.00"
    )
    drain(names=["products"])
    spec = registry.get("products")
    stale = spec.build(spec.load([str(product.pk)])[str(product.pk)])
    product_delete(product_id=product.pk)
    drain(names=["products"])
    _delete_control(index)
    poll_until(lambda: _gc_deletes_has_passed(index), timeout=60, interval=0.2)

    rejected = generations.store_for(spec=spec, generation="1").write([stale])

    document = connections.opensearch().get(index=index, id=str(product.pk))
    assert rejected == {}
    assert document["_source"]["deleted"] is True
    assert document["_version"] > stale.version
