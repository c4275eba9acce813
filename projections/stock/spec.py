"""Registration of the `stock` projection (Redis hashes)."""

from projections.registry import ProjectionSpec
from projections.stock import fold, load, schema

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({"stock"}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_stock_hash,
)
