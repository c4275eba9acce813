"""The documented parts of a write: its headers (`If-Match`, `Idempotency-Key`,
`X-Consistency-Token`, `Retry-After`) and its error responses with examples."""

from typing import Any

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status

from commands import errors, outage
from commands.api import idempotency
from commands.api.schema_shapes import ErrorSerializer
from commands.api.writing import CONSISTENCY_HEADER

ERROR_DESCRIPTIONS = {
    400: "Invalid body, header or filter; `fields` names each one.",
    401: "No credentials: send `Authorization: Token <key>` (a staff user's token).",
    403: "The user is not staff.",
    404: "No such aggregate (or it is archived/deleted).",
    409: (
        "Refused by the aggregate's state: an illegal transition, short stock, "
        "or a concurrent change of a unique field (retry)."
    ),
    412: "`If-Match` names another version than the current one: nothing written.",
    422: "This `Idempotency-Key` was already used with another body.",
    503: "PostgreSQL is unreachable; retry after `Retry-After` seconds.",
}


def _example(exc: Exception, *, code: str) -> dict[str, Any]:
    return {"code": code, "message": str(exc)}


def _domain_example(exc: errors.DomainError) -> dict[str, Any]:
    return _example(exc, code=exc.code)


# Built from the exceptions the API raises, so the examples say what it says.
ERROR_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {
        "code": "invalid",
        "message": "price: A valid number is required.",
        "fields": {"price": ["A valid number is required."]},
    },
    401: _example(exceptions.NotAuthenticated(), code="not_authenticated"),
    403: _example(exceptions.PermissionDenied(), code="permission_denied"),
    404: _domain_example(errors.NotFound(model="product", pk=42)),
    409: _domain_example(
        errors.IllegalTransition(model="order", pk=7, current="placed", action="ship")
    ),
    412: _domain_example(
        errors.StaleVersion(model="product", pk=42, expected=3, actual=4)
    ),
    422: _example(idempotency.IdempotencyKeyReused(), code="idempotency_key_reused"),
    503: {"code": outage.UNAVAILABLE_CODE, "message": outage.UNAVAILABLE_MESSAGE},
}

IF_MATCH = OpenApiParameter(
    name="If-Match",
    type={"type": "string", "pattern": r'^(\*|(W/)?"?[0-9]+"?)$'},
    location=OpenApiParameter.HEADER,
    description=(
        "Optimistic concurrency: the `version` (or `ETag`) you last read, e.g. "
        '`"3"`. The change is applied only if the aggregate is still at that '
        "version, otherwise 412 and nothing is written. Optional: without it "
        "(or with `*`) the change applies to whatever version is current."
    ),
    examples=[OpenApiExample("version 3", value='"3"')],
)

IDEMPOTENCY_KEY = OpenApiParameter(
    name=idempotency.HEADER,
    type={"type": "string", "minLength": 1, "maxLength": idempotency.KEY_MAX},
    location=OpenApiParameter.HEADER,
    description=(
        "Makes a retry safe: the first successful response is stored with the "
        "write, in its transaction, and the same key with the same body answers "
        "that response again (with `Idempotent-Replayed: true`) without writing. "
        "The same key with another body is a 422. Keys are per user; a refused "
        "command stores nothing, so retrying it runs it again."
    ),
    examples=[
        OpenApiExample(
            "a UUID per logical request",
            value="6f1c2a8e-4b7d-4f3a-9a51-0c2d3e4f5a6b",
        )
    ],
)


def _response_header(
    *,
    name: str,
    description: str,
    codes: list[int],
    schema: dict[str, Any],
    required: bool = True,
) -> OpenApiParameter:
    return OpenApiParameter(
        name=name,
        type=schema,
        location=OpenApiParameter.HEADER,
        response=codes,
        required=required,
        description=description,
    )


def success_headers(*, code: int, idempotent: bool) -> list[OpenApiParameter]:
    headers = [
        _response_header(
            name=CONSISTENCY_HEADER,
            schema={"type": "string", "pattern": r"^[0-9]{1,20}$"},
            codes=[code],
            description=(
                "The id of the transaction that made this write. Send it as "
                "`X-Consistency-Token` on a read-API request to read your own "
                "write: the read waits (bounded) until the read models have "
                "applied it, and says `X-Consistency: fresh` or `stale`."
            ),
        ),
        _response_header(
            name="ETag",
            schema={"type": "string", "pattern": r'^"[0-9]+"$'},
            codes=[code],
            description="The aggregate's new version, quoted; send it as If-Match.",
        ),
    ]
    if idempotent:
        replayed = _response_header(
            name=idempotency.REPLAYED_HEADER,
            schema={"type": "string", "enum": ["true"]},
            codes=[code],
            required=False,
            description="Present when this is the stored response of an earlier "
            "request with the same Idempotency-Key.",
        )
        headers.append(replayed)
    return headers


RETRY_AFTER = _response_header(
    name="Retry-After",
    schema={"type": "integer", "minimum": 0},
    codes=[status.HTTP_503_SERVICE_UNAVAILABLE],
    description="Seconds to wait before retrying.",
)


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The documented errors, each in the one error shape with an example."""
    return {
        code: OpenApiResponse(
            response=ErrorSerializer,
            description=ERROR_DESCRIPTIONS[code],
            examples=[
                OpenApiExample(
                    f"{code}",
                    value={"error": ERROR_EXAMPLES[code]},
                    status_codes=[code],
                )
            ],
        )
        for code in codes
    }
