"""Registration of the `api_keys` projection (Redis hashes)."""

from commands import events
from commands.models import ApiKey
from projections.api_keys import fold, load, schema
from projections.registry import ProjectionSpec
from projections.sources import Source

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({events.APIKEY}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_api_key,
    source=Source(
        aggregate_type=events.APIKEY,
        model=ApiKey,
        store_key_field="key_hash",
        store_key_is_int=False,
    ),
    key_layout=schema.KEYS,
)
