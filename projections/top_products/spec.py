"""Registration of the `top_products` projection (Redis sorted set)."""

from projections.registry import ProjectionSpec
from projections.top_products import fold, load, schema

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({"stock", "product"}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_rank,
)
