"""Registration of the `products` projection (OpenSearch)."""

from commands import events
from commands.models import Product
from projections.products import fold, load, schema
from projections.registry import ProjectionSpec
from projections.sources import Source

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="opensearch",
    aggregate_types=frozenset({events.PRODUCT, events.STOCK, events.CATEGORY}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_product_document,
    source=Source(aggregate_type=events.PRODUCT, model=Product),
    index_settings=schema.SETTINGS,
    mappings=schema.MAPPINGS,
    orderings=schema.ORDERINGS,
)
