"""Redis layout of the `customer_summary` read model (see docs/CONTRACTS.md).

Hash `{ns}:customer_summary:{generation}:{customer_id}` with FIELDS and `version`.
"""

from projections.naming import HashKeys

PROJECTION = "customer_summary"
FIELDS = ("orders_count", "lifetime_value")
KEYS = HashKeys(PROJECTION)


def key(*, generation: str, customer_id: int | str) -> str:
    return KEYS.at(generation).entry(str(customer_id))
