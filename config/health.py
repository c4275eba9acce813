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
from readapi.queries.read_models import missing_read_models


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


@dataclasses.dataclass
class ReadModelsCheck(HealthCheck):
    """Every read model can be served: none is missing, lost or being rebuilt."""

    def run(self) -> None:
        try:
            missing = missing_read_models()
        except (redis.RedisError, OpenSearchException) as exc:
            raise ServiceUnavailable(
                f"read models cannot be checked: {type(exc).__name__}"
            ) from exc
        if missing:
            raise ServiceUnavailable(
                f"read models missing or being rebuilt: {', '.join(missing)}"
            )


@dataclasses.dataclass
class WorkerHeartbeatCheck(HealthCheck):
    """At least one Dramatiq worker process refreshed its heartbeat lately.

    Without it a caught-up system with no worker would look healthy."""

    def run(self) -> None:
        from projections.running.workers import live_workers  # write role only

        try:
            alive = live_workers()
        except redis.RedisError as exc:
            raise ServiceUnavailable(
                f"worker heartbeats cannot be read: {type(exc).__name__}"
            ) from exc
        if not alive:
            raise ServiceUnavailable(
                "no live worker: no Dramatiq worker heartbeat within "
                f"{settings.CQRS['WORKER_HEARTBEAT_TTL']}s"
            )


@dataclasses.dataclass
class ProjectionLagCheck(HealthCheck):
    """No live projection segment lags more than READY_MAX_LAG_SECONDS."""

    def run(self) -> None:
        from projections.ops.status import projection_status  # write role only

        limit = float(settings.CQRS["READY_MAX_LAG_SECONDS"])
        behind = [
            f"{row.projection}/{row.segment} {row.lag_seconds:.1f}s"
            for row in projection_status()
            if row.generation_state == "live" and row.lag_seconds > limit
        ]
        if behind:
            raise ServiceUnavailable(
                f"projections lag more than {limit:g}s: {', '.join(behind)}"
            )


def write_role_checks() -> list[HealthCheck]:
    """PostgreSQL, plus the worker heartbeat and lag checks the settings ask for."""
    checks: list[HealthCheck] = [Database()]
    if settings.CQRS["READY_REQUIRE_WORKER"]:
        checks.append(WorkerHeartbeatCheck())
    if float(settings.CQRS["READY_MAX_LAG_SECONDS"]) > 0:
        checks.append(ProjectionLagCheck())
    return checks


# How long a client (or a load balancer) should wait before asking again.
READINESS_RETRY_AFTER_SECONDS = 5


class ReadinessView(HealthCheckView):
    """Readiness: every dependency of this role answers. JSON unless asked otherwise.

    A failing dependency is a 503 with `Retry-After` (django-health-check says 500):
    the process is fine, it cannot serve yet, and load balancers read 503 that way.
    """

    def get_checks(self):  # type: ignore[no-untyped-def]
        yield OpenSearchCheck()
        yield RedisCheck()
        yield ReadModelsCheck()
        if settings.ROLE == "write":
            yield from write_role_checks()

    async def get(self, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "format" not in request.GET and "text/html" not in request.headers.get(
            "accept", ""
        ):
            query = request.GET.copy()
            query["format"] = "json"
            # The stubs type request.GET as immutable; replacing it is allowed.
            request.GET = query  # type: ignore[assignment]
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
            response["Retry-After"] = str(READINESS_RETRY_AFTER_SECONDS)
        return response


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers; touches no dependency."""
    return JsonResponse({"status": "ok", "role": settings.ROLE})
