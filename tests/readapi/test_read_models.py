"""Readiness and the 503 of a lost read model cover every projection, found from
the projections' own contract modules (nothing in readapi lists them)."""

from projections import registry
from readapi.queries import read_models


def test_readiness_covers_every_registered_projection():
    redis = {spec.name for spec in registry.all_specs() if spec.store == "redis"}
    opensearch = {
        spec.name for spec in registry.all_specs() if spec.store == "opensearch"
    }

    assert set(read_models.REDIS) == redis
    assert set(read_models.OPENSEARCH) == opensearch
    assert redis and opensearch
