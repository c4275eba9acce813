"""Registration of the `orders` projection (OpenSearch)."""

from projections.orders import fold, load, schema
from projections.registry import ProjectionSpec

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="opensearch",
    aggregate_types=frozenset({"order", "customer"}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_order_document,
    index_settings=schema.SETTINGS,
    mappings=schema.MAPPINGS,
)
