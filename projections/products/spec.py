"""Registration of the `products` projection (OpenSearch)."""

from projections.products import fold, load, schema
from projections.registry import ProjectionSpec

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="opensearch",
    aggregate_types=frozenset({"product", "stock", "category"}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_product_document,
    index_settings=schema.SETTINGS,
    mappings=schema.MAPPINGS,
)
