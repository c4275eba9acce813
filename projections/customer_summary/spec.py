"""Registration of the `customer_summary` projection (Redis hashes)."""

from projections.customer_summary import fold, load, schema
from projections.registry import ProjectionSpec

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({"customer"}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_summary,
)
