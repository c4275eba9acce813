"""Registration of the `customer_summary` projection (Redis hashes)."""

from commands import events
from commands.models import Customer
from projections.customer_summary import fold, load, schema
from projections.registry import ProjectionSpec
from projections.sources import Source

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({events.CUSTOMER}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_summary,
    source=Source(aggregate_type=events.CUSTOMER, model=Customer),
    key_layout=schema.KEYS,
)
