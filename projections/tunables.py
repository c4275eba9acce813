"""The engine's knobs, read from `settings.CQRS` at call time.

Their defaults and environment variables live in one place,
`config/settings/base.py`; projections/README.md says what each one does.
"""

from typing import Any

from django.conf import settings


def get(name: str) -> Any:
    """The value of tunable `name` from settings.CQRS."""
    return settings.CQRS[name]


def segments_for(projection: str) -> int:
    """Segment count a new generation of `projection` is created with."""
    overrides = get("SEGMENTS_BY_PROJECTION") or {}
    return int(overrides.get(projection, get("SEGMENTS")))


def index_shape(projection: str) -> dict[str, int]:
    """Shards and replicas a new OpenSearch index of `projection` is created with."""
    shards = get("INDEX_SHARDS_BY_PROJECTION") or {}
    replicas = get("INDEX_REPLICAS_BY_PROJECTION") or {}
    return {
        "number_of_shards": int(shards.get(projection, get("INDEX_SHARDS"))),
        "number_of_replicas": int(replicas.get(projection, get("INDEX_REPLICAS"))),
    }
