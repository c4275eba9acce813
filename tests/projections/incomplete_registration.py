"""A projection registration that forgot its rebuild source and key layout.

Imported only by tests/projections/test_registry.py, through the registry.
"""

from commands import events
from projections.registry import ProjectionSpec
from projections.stock import fold, load

SPEC = ProjectionSpec(
    name="half_done",
    store="redis",
    aggregate_types=frozenset({events.STOCK}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_stock_hash,
)
