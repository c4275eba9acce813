"""One JSON shape for every write-API error:

    {"error": {"code": "...", "message": "...", "fields": {"price": ["..."]}}}

Domain errors map to HTTP here: invalid input 400 (naming the field), missing 404,
illegal transition or short stock 409, stale `If-Match` 412, PostgreSQL
unreachable 503 with `Retry-After`.
"""

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from commands import errors, outage

logger = logging.getLogger(__name__)

_DOMAIN_STATUS: tuple[tuple[type[errors.DomainError], int], ...] = (
    (errors.ValidationError, status.HTTP_400_BAD_REQUEST),
    (errors.NotFound, status.HTTP_404_NOT_FOUND),
    (errors.StaleVersion, status.HTTP_412_PRECONDITION_FAILED),
    (errors.Conflict, status.HTTP_409_CONFLICT),
)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: domain errors, integrity races and DRF's own errors."""
    if isinstance(exc, errors.DomainError):
        set_rollback()
        return _domain_response(exc)
    if outage.is_database_outage(exc):
        outage.log_outage(where="a write-API request", exc=exc)
        return _unavailable_response()
    if isinstance(exc, IntegrityError):
        # A race past a handler's own checks (e.g. two creates of one sku): the
        # database refused it, nothing was written, and the client may retry.
        logger.warning("write refused by a database constraint: %s", exc)
        set_rollback()
        return error_response(
            http_status=status.HTTP_409_CONFLICT,
            code="conflict",
            message="the change conflicts with a concurrent one; retry",
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    response.data = _error_body(exc, response.data)
    return response


def error_response(
    *,
    http_status: int,
    code: str,
    message: str,
    fields: Mapping[str, list[str]] | None = None,
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = dict(fields)
    return Response({"error": body}, status=http_status)


def _unavailable_response() -> Response:
    response = error_response(
        http_status=status.HTTP_503_SERVICE_UNAVAILABLE,
        code=outage.UNAVAILABLE_CODE,
        message=outage.UNAVAILABLE_MESSAGE,
    )
    response["Retry-After"] = str(outage.RETRY_AFTER_SECONDS)
    return response


def _domain_response(exc: errors.DomainError) -> Response:
    http_status = next(code for cls, code in _DOMAIN_STATUS if isinstance(exc, cls))
    fields = exc.fields if isinstance(exc, errors.ValidationError) else None
    return error_response(
        http_status=http_status, code=exc.code, message=str(exc), fields=fields
    )


def _error_body(exc: Exception, data: Any) -> dict[str, Any]:
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(data)
        return {
            "error": {
                "code": "invalid",
                "message": "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()),
                "fields": fields,
            }
        }
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    message = data.get("detail", str(exc)) if isinstance(data, Mapping) else str(data)
    return {"error": {"code": code, "message": str(message)}}


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"lines[0].quantity": ["..."]}`."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            flat.update(_flatten(value, _join(prefix, key)))
        return flat
    if isinstance(detail, Sequence) and not isinstance(detail, str):
        if all(isinstance(item, str) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, _join(prefix, index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _join(prefix: str, key: object) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)
