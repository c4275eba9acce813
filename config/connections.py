"""Process-wide OpenSearch and Redis clients, built from settings on first use."""

from functools import cache

import redis
from django.conf import settings
from opensearchpy import OpenSearch

from config.serialization import OrjsonSerializer


@cache
def opensearch() -> OpenSearch:
    """The OpenSearch client of this process (thread-safe, pooled)."""
    cfg = settings.CQRS
    auth = None
    if cfg["OPENSEARCH_USERNAME"]:
        auth = (cfg["OPENSEARCH_USERNAME"], cfg["OPENSEARCH_PASSWORD"])
    return OpenSearch(
        hosts=cfg["OPENSEARCH_HOSTS"] or [cfg["OPENSEARCH_URL"]],
        http_auth=auth,
        verify_certs=cfg["OPENSEARCH_VERIFY_CERTS"],
        ca_certs=cfg["OPENSEARCH_CA_CERTS"] or None,
        timeout=cfg["OPENSEARCH_TIMEOUT"],
        http_compress=False,
        pool_maxsize=32,
        serializer=OrjsonSerializer(),
    )


@cache
def redis_client() -> redis.Redis:
    """The Redis client of this process (connection-pooled, str responses)."""
    return redis.Redis.from_url(
        settings.CQRS["REDIS_URL"],
        decode_responses=True,
        socket_timeout=5,
        socket_connect_timeout=2,
        health_check_interval=30,
    )


def namespaced(name: str) -> str:
    """An OpenSearch alias or Redis key prefix owned by this deployment."""
    return f"{settings.CQRS['NAMESPACE']}-{name}"


def reset() -> None:
    """Forget cached clients (after settings change in tests, or after fork)."""
    opensearch.cache_clear()
    redis_client.cache_clear()
