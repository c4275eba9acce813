"""Redis layout of the `customer_summary` read model (see docs/CONTRACTS.md).

Hash `{ns}:customer_summary:{generation}:{customer_id}` with FIELDS and `version`.
"""

from projections import naming

PROJECTION = "customer_summary"
FIELDS = ("orders_count", "lifetime_value")


def key(*, generation: str, customer_id: int | str) -> str:
    prefix = naming.redis_prefix(projection=PROJECTION, generation=generation)
    return f"{prefix}:{customer_id}"
