"""Names of read-model stores: aliases, generation indices, Redis keys.

Imports nothing from `commands`, so the read API may use it.
"""

from django.conf import settings


def namespace() -> str:
    return str(settings.CQRS["NAMESPACE"])


def alias(projection: str) -> str:
    """The OpenSearch alias readers use for a projection."""
    return f"{namespace()}-{projection}"


def index_name(*, projection: str, generation: str) -> str:
    """The concrete OpenSearch index of one generation of a projection."""
    return f"{alias(projection)}-{generation}"


def generation_pointer(projection: str) -> str:
    """The Redis key holding the live generation id of a Redis projection."""
    return f"{namespace()}:gen:{projection}"


def redis_prefix(*, projection: str, generation: str) -> str:
    """Prefix of every Redis key of one generation of a projection."""
    return f"{namespace()}:{projection}:{generation}"


def watermark_key(projection: str) -> str:
    """Redis key of the txid every event below which the projection has applied."""
    return f"{namespace()}:watermark:{projection}"
