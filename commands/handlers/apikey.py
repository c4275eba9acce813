"""Read-API key commands. Only the sha256 of a key is stored; the raw key is
returned once by `apikey_issue` and never stored or sent in an event."""

import hashlib
import secrets
from collections.abc import Iterable

from commands import events
from commands.errors import IllegalTransition, ValidationError
from commands.handlers.aggregates import bump, lock_for_change
from commands.handlers.cleaning import clean_text
from commands.models import API_KEY_SCOPES, ApiKey
from commands.outbox import NewEvent, outbox_extend
from commands.serializers_state import apikey_state
from commands.write_guard import command_handler

LABEL = "API key"
NAME_MAX = 100
KEY_PREFIX = "ck_"
PREFIX_LENGTH = 8


def hash_api_key(raw_key: str) -> str:
    """The sha256 hex digest the read API looks keys up by."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


def clean_scopes(scopes: Iterable[str] | str) -> list[str]:
    """Known scopes, deduplicated, in canonical order; accepts "a,b" too."""
    if isinstance(scopes, str):
        scopes = scopes.split(",")
    wanted = {s.strip() for s in scopes if s and s.strip()}
    unknown = sorted(wanted - set(API_KEY_SCOPES))
    if unknown:
        raise ValidationError.on(
            "scopes",
            f"unknown scope(s) {', '.join(unknown)}; "
            f"choose from {', '.join(API_KEY_SCOPES)}",
        )
    if not wanted:
        raise ValidationError.on("scopes", "at least one scope is required")
    return [s for s in API_KEY_SCOPES if s in wanted]


@command_handler
def apikey_issue(*, name: str, scopes: Iterable[str] | str) -> tuple[ApiKey, str]:
    """A new active key; returns it with the raw key, which is never shown again."""
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    apikey = ApiKey(
        name=clean_text(name, field="name", max_length=NAME_MAX),
        scopes=clean_scopes(scopes),
        key_hash=hash_api_key(raw_key),
        prefix=raw_key[:PREFIX_LENGTH],
    )
    apikey.save()
    outbox_extend([_event(apikey, event_type=events.APIKEY_ISSUED)])
    return apikey, raw_key


@command_handler
def apikey_revoke(*, apikey_id: int, expected_version: int | None = None) -> ApiKey:
    apikey = lock_for_change(
        ApiKey.objects.all(),
        pk=apikey_id,
        label=LABEL,
        expected_version=expected_version,
    )
    if not apikey.active:
        raise IllegalTransition(
            model=LABEL, pk=apikey.pk, current="revoked", action="revoke"
        )
    apikey.active = False
    bump(apikey)
    apikey.save()
    outbox_extend([_event(apikey, event_type=events.APIKEY_REVOKED)])
    return apikey


def _event(apikey: ApiKey, *, event_type: str) -> NewEvent:
    return NewEvent(
        aggregate_type=events.APIKEY,
        aggregate_id=apikey.pk,
        version=apikey.version,
        event_type=event_type,
        payload=apikey_state(apikey),
    )
