"""Cutting one test's projector processes off OpenSearch and the read-model Redis."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from projections.models import SegmentCheckpoint
from tests.projections.netproxy import NetProxy


class StoreProxies:
    """Proxies in front of OpenSearch and the read-model Redis; the broker stays
    direct, so only processes started with `env()` see an outage."""

    def __init__(self) -> None:
        self.search = NetProxy.to(settings.CQRS["OPENSEARCH_URL"])
        self.data = NetProxy.to(settings.CQRS["REDIS_URL"])

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {
            **base,
            "OPENSEARCH_URL": self.search.url_for(settings.CQRS["OPENSEARCH_URL"]),
            "REDIS_URL": self.data.url_for(settings.CQRS["REDIS_URL"]),
            "DRAMATIQ_BROKER_URL": settings.CQRS["REDIS_URL"],
        }

    def cut(self) -> None:
        self.search.cut()
        self.data.cut()

    def restore(self) -> None:
        self.search.restore()
        self.data.restore()


@contextmanager
def store_proxies() -> Iterator[StoreProxies]:
    proxies = StoreProxies()
    try:
        yield proxies
    finally:
        proxies.search.close()
        proxies.data.close()


def outage_seen() -> bool:
    """Has a runner recorded a store outage on its checkpoint?"""
    return SegmentCheckpoint.objects.filter(
        last_error__contains="StoreUnavailable"
    ).exists()
