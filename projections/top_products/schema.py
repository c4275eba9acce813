"""Redis layout of the `top_products` read model (see docs/CONTRACTS.md).

Sorted set `{ns}:top_products:{generation}:board` (member = product id,
score = units sold); member versions in the hash `...:versions`.
"""

from projections.naming import RankKeys

PROJECTION = "top_products"
KEYS = RankKeys(PROJECTION)


def board_key(*, generation: str) -> str:
    return KEYS.at(generation).board


def versions_key(*, generation: str) -> str:
    return KEYS.at(generation).versions
