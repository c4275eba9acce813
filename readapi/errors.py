"""One JSON error shape for every failure: {"error": {"code", "message", "fields"}}."""

import logging
from typing import Any, cast

import redis
from django.http import Http404, HttpRequest, JsonResponse
from opensearchpy.exceptions import (
    AuthenticationException,
    AuthorizationException,
    TransportError,
)
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from rest_framework import exceptions, status
from rest_framework.response import Response

from readapi.cursors import InvalidCursor
from readapi.queries.search import ReadModelMissing, SnapshotExpired

logger = logging.getLogger(__name__)


class InvalidParameters(exceptions.APIException):
    """Query parameters (or headers) that are unknown or malformed."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameters"
    default_detail = "Some parameters are not valid."

    def __init__(
        self, fields: dict[str, list[str]], *, code: str | None = None
    ) -> None:
        self.fields = fields
        super().__init__(detail=self.default_detail, code=code or self.default_code)


class ServiceUnavailable(exceptions.APIException):
    """A store the read API depends on cannot answer right now."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"
    default_detail = "The read models are unavailable right now; try again shortly."


class ReadModelUnavailable(ServiceUnavailable):
    """The read model is missing: not built yet, or lost and being rebuilt."""

    default_code = "read_model_unavailable"
    default_detail = (
        "This read model is being rebuilt and will be back shortly; try again."
    )


def error_body(
    *, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict:
    """The error document every failing response carries."""
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF exception handler: translate store and domain failures, then shape them."""
    exc = _translate(exc)
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if isinstance(exc, exceptions.Throttled):
        # DRF sets `wait` in Throttled.__init__; the stubs do not declare it.
        wait: float | None = exc.wait  # type: ignore[attr-defined]
        if wait is not None:
            headers["Retry-After"] = str(max(1, round(wait)))
    if exc.status_code == status.HTTP_503_SERVICE_UNAVAILABLE:
        headers["Retry-After"] = "5"
    body = error_body(
        code=_code(exc), message=_message(exc), fields=getattr(exc, "fields", None)
    )
    return Response(body, status=exc.status_code, headers=headers)


def bad_request(
    request: HttpRequest, exception: Exception | None = None
) -> JsonResponse:
    """handler400: requests Django itself refuses (e.g. far too many parameters)."""
    body = error_body(code="bad_request", message="This request cannot be read.")
    return JsonResponse(body, status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """handler404: unknown URLs answer in the same shape as the API."""
    body = error_body(code="not_found", message="There is nothing at this address.")
    return JsonResponse(body, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    """handler500: even a bug answers in the API's shape, never a traceback."""
    body = error_body(code="server_error", message="Something went wrong on our side.")
    return JsonResponse(body, status=500)


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, InvalidCursor):
        return InvalidParameters({"cursor": [str(exc)]}, code="invalid_cursor")
    if isinstance(exc, SnapshotExpired):
        message = "This cursor has expired; start again from the first page."
        return InvalidParameters({"cursor": [message]}, code="invalid_cursor")
    if isinstance(exc, ReadModelMissing):
        logger.warning("read model %s is missing (being built or rebuilt)", exc)
        return ReadModelUnavailable()
    if isinstance(
        exc,
        redis.AuthenticationError | AuthenticationException | AuthorizationException,
    ):
        # A deployment error, not an outage: say which credentials to fix.
        logger.error(
            "a store refused our credentials (check REDIS_URL, or "
            "OPENSEARCH_USERNAME / OPENSEARCH_PASSWORD): %s",
            exc,
        )
        return ServiceUnavailable()
    if isinstance(
        exc, OpenSearchConnectionError | redis.ConnectionError | redis.TimeoutError
    ):
        logger.warning("store unreachable: %s", exc)
        return ServiceUnavailable()
    if isinstance(exc, TransportError | redis.RedisError):
        # A query the store refused is our bug, not the client's: log it in full
        # and answer 503 rather than blaming the request.
        logger.error("store refused a read: %s", exc, exc_info=exc)
        return ServiceUnavailable()
    return exc


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def _message(exc: exceptions.APIException) -> str:
    detail = exc.detail
    if isinstance(detail, list | dict):
        # Every default_detail is a (lazy) message string, never a list or dict.
        return cast(str, exc.default_detail)
    return str(detail)
