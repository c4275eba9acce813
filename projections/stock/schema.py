"""Redis layout of the `stock` read model (see docs/CONTRACTS.md).

Hash `{ns}:stock:{generation}:{product_id}` with FIELDS and `version`.
"""

from projections import naming

PROJECTION = "stock"
FIELDS = ("on_hand", "reserved", "available", "units_sold")


def key(*, generation: str, product_id: int | str) -> str:
    return f"{naming.redis_prefix(projection=PROJECTION, generation=generation)}:{product_id}"
