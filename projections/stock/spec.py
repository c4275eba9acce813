"""Registration of the `stock` projection (Redis hashes)."""

from commands import events
from commands.models import StockItem
from projections.registry import ProjectionSpec
from projections.sources import Source
from projections.stock import fold, load, schema

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({events.STOCK}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_stock_hash,
    source=Source(aggregate_type=events.STOCK, model=StockItem),
    key_layout=schema.KEYS,
)
