"""PostgreSQL unreachable: a 503 with `Retry-After` at the edge, never a 500 page.

A write cannot be accepted without the database, but the failure is temporary and
says so: the write API answers its JSON error shape, the admin a short HTML page,
both with `Retry-After`. Django reconnects by itself on the next request
(`CONN_HEALTH_CHECKS`), so nothing needs resetting once PostgreSQL is back.
"""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
UNAVAILABLE_CODE = "database_unavailable"
UNAVAILABLE_MESSAGE = "the database is unavailable; retry shortly"

_HTML = (
    "<!doctype html><title>503 Service Unavailable</title>"
    "<h1>Service temporarily unavailable</h1>"
    f"<p>The database cannot be reached. Try again in {RETRY_AFTER_SECONDS} seconds."
)


def is_database_outage(exc: BaseException) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def log_outage(*, where: str, exc: BaseException) -> None:
    logger.warning("database unavailable during %s: %s", where, exc)


class DatabaseOutageMiddleware:
    """Turns a database connection error escaping a view into a 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not is_database_outage(exception):
            return None
        log_outage(where=f"{request.method} {request.path}", exc=exception)
        if request.path.startswith("/api/"):
            return unavailable_json()
        return unavailable_html()


def unavailable_json() -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": UNAVAILABLE_CODE, "message": UNAVAILABLE_MESSAGE}},
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable_html() -> HttpResponse:
    response = HttpResponse(_HTML, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
