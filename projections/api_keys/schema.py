"""Redis layout of the `api_keys` read model (see docs/CONTRACTS.md).

Hash `{ns}:api_keys:{generation}:{key_hash}` with fields `name`, `scopes`
(comma separated), `active` ("1"/"0") and `version`.
"""

from projections import naming

PROJECTION = "api_keys"
FIELDS = ("name", "scopes", "active")


def key(*, generation: str, key_hash: str) -> str:
    prefix = naming.redis_prefix(projection=PROJECTION, generation=generation)
    return f"{prefix}:{key_hash}"
