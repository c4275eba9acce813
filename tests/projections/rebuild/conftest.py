"""Fixtures of the rebuild tests: a committed catalogue, projected and drained."""

import pytest

from config import connections
from projections import naming
from tests.projections.draining import drain
from tests.projections.rebuild.seeding import Catalog, make_catalog

CATALOG_PROJECTIONS = ["products", "stock"]


@pytest.fixture
def catalog(engine_db) -> Catalog:
    """120 products, projected into products and stock (generation 1)."""
    made = make_catalog(products=120)
    drain(names=CATALOG_PROJECTIONS)
    # Searchable now, not at the next periodic refresh.
    connections.opensearch().indices.refresh(index=naming.alias("products"))
    return made
