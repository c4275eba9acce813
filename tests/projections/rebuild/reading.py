"""What readers see: documents through the alias, the Redis pointer, the alias target."""

from opensearchpy.exceptions import NotFoundError

from config import connections
from projections import naming


def alias_targets(projection: str) -> set[str]:
    """The indices the projection's alias points at now."""
    try:
        found = connections.opensearch().indices.get_alias(
            name=naming.alias(projection)
        )
    except NotFoundError:
        return set()
    return set(found)


def pointer(projection: str) -> str | None:
    return connections.redis_client().get(naming.generation_pointer(projection))


def index_exists(*, projection: str, generation: str) -> bool:
    index = naming.index_name(projection=projection, generation=generation)
    return bool(connections.opensearch().indices.exists(index=index))
