"""Opaque, signed page cursors bound to the query that produced them."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core import signing

# Checked before any decoding work, so a huge cursor costs nothing.
MAX_LENGTH = 2048

_SCALARS = (int, float, str)


class InvalidCursor(Exception):
    """A cursor that was tampered with, expired, or belongs to another query."""


@dataclass(frozen=True)
class Cursor:
    """A position between two rows: the sort values of the row next to it."""

    key: list[Any]
    backwards: bool = False
    pit_id: str | None = None


def query_fingerprint(params: dict[str, Any]) -> str:
    """A short digest of normalised query parameters, order-independent."""
    canonical = json.dumps({k: str(v) for k, v in params.items()}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def encode_cursor(*, cursor: Cursor, salt: str, fingerprint: str) -> str:
    """Sign a cursor for one endpoint (`salt`) and one query (`fingerprint`)."""
    payload: dict[str, Any] = {"k": cursor.key, "q": fingerprint}
    if cursor.backwards:
        payload["b"] = 1
    if cursor.pit_id is not None:
        payload["p"] = cursor.pit_id
    return signing.dumps(payload, salt=salt)


def decode_cursor(*, token: str, salt: str, fingerprint: str) -> Cursor:
    """The cursor in `token`, or InvalidCursor when it cannot be trusted here."""
    if len(token) > MAX_LENGTH:
        raise InvalidCursor("This cursor is too long to be one of ours.")
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature:
        raise InvalidCursor(
            "This cursor is not valid; start again from the first page."
        ) from None
    if not isinstance(payload, dict) or payload.get("q") != fingerprint:
        raise InvalidCursor("This cursor belongs to another query.")
    return _cursor_from(payload)


def _cursor_from(payload: dict[str, Any]) -> Cursor:
    key, pit_id = payload.get("k"), payload.get("p")
    if not isinstance(key, list) or not all(isinstance(v, _SCALARS) for v in key):
        raise InvalidCursor(
            "This cursor is not valid; start again from the first page."
        )
    if pit_id is not None and not isinstance(pit_id, str):
        raise InvalidCursor(
            "This cursor is not valid; start again from the first page."
        )
    return Cursor(key=key, backwards=bool(payload.get("b")), pit_id=pit_id)
