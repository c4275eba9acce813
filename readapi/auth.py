"""`Authorization: Api-Key <key>`: keys checked against the api_keys read model."""

import hashlib
import time
from dataclasses import dataclass

from rest_framework import authentication, exceptions, permissions
from rest_framework.request import Request
from rest_framework.views import APIView

from readapi.queries.api_keys import ApiKeyRecord, find_key, note_use

SCHEME = "Api-Key"
MAX_KEY_LENGTH = 256


@dataclass(frozen=True)
class ApiClient:
    """The consumer behind a valid key; stands where DRF expects a user."""

    key: ApiKeyRecord
    is_authenticated: bool = True

    def has_scope(self, scope: str) -> bool:
        return scope in self.key.scopes


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Look the key's sha256 up in Redis on every request, so revocation is immediate.

    Expiry is enforced here, from the read model, against this process's clock.
    """

    def authenticate(self, request: Request) -> tuple[ApiClient, ApiKeyRecord] | None:
        header = request.headers.get("Authorization")
        if header is None:
            return None
        record = find_key(hash_key(_raw_key(header)))
        if record is None or not record.active:
            raise exceptions.AuthenticationFailed(
                "This API key is not valid or was revoked."
            )
        now = time.time()
        if record.expired(now=now):
            raise exceptions.AuthenticationFailed("This API key has expired.")
        note_use(record.key_hash, now=now)
        return ApiClient(key=record), record

    def authenticate_header(self, request: Request) -> str:
        return SCHEME


class HasScope(permissions.BasePermission):
    """The view's `required_scope` must be among the key's scopes."""

    message = "This API key does not have the scope this endpoint needs."

    def has_permission(self, request: Request, view: APIView) -> bool:
        client = request.user
        if not isinstance(client, ApiClient):
            raise exceptions.NotAuthenticated(f"Send 'Authorization: {SCHEME} <key>'.")
        return client.has_scope(view.required_scope)  # type: ignore[attr-defined]


def hash_key(raw_key: str) -> str:
    """The digest under which a key is stored (the key itself never is)."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def _raw_key(header: str) -> str:
    scheme, _, key = header.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != SCHEME.lower() or not key or len(key) > MAX_KEY_LENGTH:
        raise exceptions.AuthenticationFailed(f"Send 'Authorization: {SCHEME} <key>'.")
    return key
