"""Are the read models there? Checked in the stores, for readiness (no database).

A Redis read model is there when its generation pointer names a generation
whose marker key exists; an OpenSearch one when its alias exists. Otherwise it
was never built, or it was lost and is being rebuilt (projections/rebuilds/healing.py).
"""

from importlib import import_module
from pathlib import Path

from opensearchpy.exceptions import NotFoundError

from config import connections
from projections import naming


def _contracts() -> list:
    """Every projection's `schema` module (the packages beside `naming`)."""
    root = Path(naming.__file__).parent
    return [
        import_module(f"projections.{path.parent.name}.schema")
        for path in sorted(root.glob("*/schema.py"))
    ]


_CONTRACTS = _contracts()
# A Redis read model declares its KEYS; an OpenSearch one its MAPPINGS.
REDIS = tuple(c.PROJECTION for c in _CONTRACTS if hasattr(c, "KEYS"))
OPENSEARCH = tuple(c.PROJECTION for c in _CONTRACTS if hasattr(c, "MAPPINGS"))


def missing_read_models() -> list[str]:
    """Names of the read models readers cannot be served from right now."""
    return [*_missing_in_redis(), *_missing_in_opensearch()]


def _missing_in_redis() -> list[str]:
    client = connections.redis_client()
    pointers = client.mget([naming.generation_pointer(name) for name in REDIS])
    pipe = client.pipeline(transaction=False)
    for name, generation in zip(REDIS, pointers, strict=True):
        pipe.exists(
            naming.generation_marker(projection=name, generation=str(generation))
        )
    present = pipe.execute()
    return [
        name
        for name, generation, marked in zip(REDIS, pointers, present, strict=True)
        if generation is None or not marked
    ]


def _missing_in_opensearch() -> list[str]:
    aliases = {naming.alias(name): name for name in OPENSEARCH}
    try:
        found = connections.opensearch().indices.get_alias(name=",".join(aliases))
    except NotFoundError:
        found = {}
    held = {alias for entry in found.values() for alias in entry.get("aliases", {})}
    return [name for alias, name in aliases.items() if alias not in held]
