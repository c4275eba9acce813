"""`Idempotency-Key` for POSTs: the first response is stored in the transaction of the
write it reports, and replayed for the same key and body; another body is a 422.

Only successful writes are stored: a refused command wrote nothing, so repeating it
is safe and runs it again.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import connection
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from commands.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEY_MAX = 255
REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("X-Consistency-Token", "ETag")


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = (
        "this Idempotency-Key was already used for a different request; "
        "use a new key for a new request"
    )


@dataclass(frozen=True)
class IdempotentRequest:
    key: str
    request_hash: str
    user_id: int


def idempotent_request(request: Request) -> IdempotentRequest | None:
    """The request's key and fingerprint, or None without the header."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise ValidationError(
            {HEADER: [f"must be 1 to {KEY_MAX} printable characters"]}
        )
    return IdempotentRequest(
        key=key, request_hash=_fingerprint(request), user_id=request.user.pk
    )


def replay(claim: IdempotentRequest) -> Response | None:
    """The stored response for this key, after taking the key's lock.

    Must run inside the write's transaction: the advisory lock makes a concurrent
    request with the same key wait until this one has committed or rolled back.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"idempotency:{claim.user_id}:{claim.key}"],
        )
    record = IdempotencyRecord.objects.filter(
        user_id=claim.user_id, key=claim.key
    ).first()
    if record is None:
        return None
    if record.request_hash != claim.request_hash:
        raise IdempotencyKeyReused()
    response = Response(record.response_body, status=record.response_status)
    for name, value in record.response_headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def remember(claim: IdempotentRequest, response: Response) -> None:
    """Store the response in the current (the write's) transaction."""
    IdempotencyRecord.objects.create(
        user_id=claim.user_id,
        key=claim.key,
        request_hash=claim.request_hash,
        response_status=response.status_code,
        response_body=response.data,
        response_headers={
            name: response[name] for name in STORED_HEADERS if response.has_header(name)
        },
    )


def _fingerprint(request: Request) -> str:
    """Method, path and the body's canonical JSON (key order does not matter)."""
    body: Any = request.data
    canonical = orjson.dumps(
        {"method": request.method, "path": request.path, "body": body},
        option=orjson.OPT_SORT_KEYS,
        default=str,
    )
    return hashlib.sha256(canonical).hexdigest()
