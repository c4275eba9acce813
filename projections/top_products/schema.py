"""Redis layout of the `top_products` read model (see docs/CONTRACTS.md).

Sorted set `{ns}:top_products:{generation}:board` (member = product id,
score = units sold); member versions in the hash `...:versions`.
"""

from projections import naming

PROJECTION = "top_products"


def board_key(*, generation: str) -> str:
    return f"{naming.redis_prefix(projection=PROJECTION, generation=generation)}:board"


def versions_key(*, generation: str) -> str:
    prefix = naming.redis_prefix(projection=PROJECTION, generation=generation)
    return f"{prefix}:versions"
