"""Liveness and readiness endpoints shared by both web roles."""

import dataclasses

import redis
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView
from opensearchpy.exceptions import OpenSearchException

from config import connections


@dataclasses.dataclass
class OpenSearchCheck(HealthCheck):
    """OpenSearch answers and the cluster is at least yellow."""

    def run(self) -> None:
        try:
            health = connections.opensearch().cluster.health(request_timeout=3)
        except OpenSearchException as exc:
            raise ServiceUnavailable(
                f"OpenSearch unreachable: {type(exc).__name__}"
            ) from exc
        if health.get("status") not in {"green", "yellow"}:
            raise ServiceUnavailable(f"OpenSearch cluster is {health.get('status')}")


@dataclasses.dataclass
class RedisCheck(HealthCheck):
    """Redis answers PING."""

    def run(self) -> None:
        try:
            connections.redis_client().ping()
        except redis.RedisError as exc:
            raise ServiceUnavailable(
                f"Redis unreachable: {type(exc).__name__}"
            ) from exc


class ReadinessView(HealthCheckView):
    """Readiness: every dependency of this role answers. JSON unless asked otherwise."""

    def get_checks(self):  # type: ignore[no-untyped-def]
        yield OpenSearchCheck()
        yield RedisCheck()
        if settings.ROLE == "write":
            yield Database()

    async def get(self, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "format" not in request.GET and "text/html" not in request.headers.get(
            "accept", ""
        ):
            query = request.GET.copy()
            query["format"] = "json"
            # The stubs type request.GET as immutable; replacing it is allowed.
            request.GET = query  # type: ignore[assignment]
        return await super().get(request, *args, **kwargs)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; touches no dependency."""
    return JsonResponse({"status": "ok", "role": settings.ROLE})
