"""Registration of the `orders` projection (OpenSearch)."""

from commands import events
from commands.models import Order
from projections.orders import fold, load, schema
from projections.registry import ProjectionSpec
from projections.sources import Source

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="opensearch",
    aggregate_types=frozenset({events.ORDER, events.CUSTOMER}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_order_document,
    source=Source(aggregate_type=events.ORDER, model=Order),
    index_settings=schema.SETTINGS,
    mappings=schema.MAPPINGS,
    orderings=schema.ORDERINGS,
)
