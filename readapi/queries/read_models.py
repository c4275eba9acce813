"""Are the read models there? Checked in the stores, for readiness (no database).

A Redis read model is there when its generation pointer names a generation
whose marker key exists; an OpenSearch one when its alias exists. Otherwise it
was never built, or it was lost and is being rebuilt (projections/healing.py).
"""

from opensearchpy.exceptions import NotFoundError

from config import connections
from projections import naming
from projections.api_keys import schema as api_keys
from projections.customer_summary import schema as customer_summary
from projections.orders import schema as orders
from projections.products import schema as products
from projections.stock import schema as stock
from projections.top_products import schema as top_products

REDIS = (
    api_keys.PROJECTION,
    stock.PROJECTION,
    top_products.PROJECTION,
    customer_summary.PROJECTION,
)
OPENSEARCH = (products.PROJECTION, orders.PROJECTION)


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
