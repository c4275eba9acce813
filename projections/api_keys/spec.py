"""Registration of the `api_keys` projection (Redis hashes)."""

from projections.api_keys import fold, load, schema
from projections.registry import ProjectionSpec

SPEC = ProjectionSpec(
    name=schema.PROJECTION,
    store="redis",
    aggregate_types=frozenset({"apikey"}),
    keys_for=load.keys_for,
    load=load.load,
    build=fold.build_api_key,
)
