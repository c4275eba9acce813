"""Redis layout of the `stock` read model (see docs/CONTRACTS.md).

Hash `{ns}:stock:{generation}:{product_id}` with FIELDS and `version`.
"""

from projections.naming import HashKeys

PROJECTION = "stock"
FIELDS = ("on_hand", "reserved", "available", "units_sold")
KEYS = HashKeys(PROJECTION)


def key(*, generation: str, product_id: int | str) -> str:
    return KEYS.at(generation).entry(str(product_id))
