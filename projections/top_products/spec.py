"""Registration of the `top_products` projection (Redis sorted set)."""

from commands import events
from commands.models import StockItem
from projections.registry import ProjectionSpec
from projections.sources import Source
from projections.top_products import fold, load, schema

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({events.STOCK, events.PRODUCT}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_rank,
    source=Source(aggregate_type=events.STOCK, model=StockItem),
    key_layout=schema.KEYS,
)
