"""Redis layout of the `api_keys` read model (see docs/CONTRACTS.md).

Hash `{ns}:api_keys:{generation}:{key_hash}` with fields `name`, `scopes`
(comma separated), `active` ("1"/"0"), `expires_at` (Unix seconds, "" for
never) and `version`.

Last use is not part of the projection: the read API notes it in the hash
`{ns}:api_key_usage` (key hash -> Unix seconds), at most once a minute per key
and process, outside any generation so a rebuild keeps it.
"""

from projections import naming

PROJECTION = "api_keys"
FIELDS = ("name", "scopes", "active", "expires_at")
KEYS = naming.HashKeys(PROJECTION)


def usage_key() -> str:
    """The hash of last-use times (key hash -> Unix seconds), kept across rebuilds."""
    return f"{naming.namespace()}:api_key_usage"


def key(*, generation: str, key_hash: str) -> str:
    return KEYS.at(generation).entry(key_hash)
