"""Read-API key commands. Only the sha256 of a key is stored; the raw key is
returned once by `apikey_issue` and never stored or sent in an event."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from commands import events
from commands.errors import IllegalTransition, ValidationError
from commands.handlers.aggregates import aggregate_event, bump, lock_for_change
from commands.handlers.cleaning import clean_text
from commands.models import API_KEY_SCOPES, ApiKey
from commands.outbox import outbox_extend
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


def clean_expiry(expires_at: datetime | None) -> datetime | None:
    """None (never expires) or a moment in the future."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError.on("expires_at", "must be in the future")
    return expires_at


@command_handler
def apikey_issue(
    *,
    name: str,
    scopes: Iterable[str] | str,
    expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new active key; returns it with the raw key, which is never shown again."""
    apikey, raw_key = _new_key(
        name=clean_text(name, field="name", max_length=NAME_MAX),
        scopes=clean_scopes(scopes),
        expires_at=clean_expiry(expires_at),
    )
    outbox_extend([aggregate_event(apikey, event_type=events.APIKEY_ISSUED)])
    return apikey, raw_key


@command_handler
def apikey_rotate(
    *, apikey_id: int, grace: timedelta, expected_version: int | None = None
) -> tuple[ApiKey, str]:
    """A new key with the same name and scopes; the old one expires after `grace`.

    Both work during the grace period, so a consumer can switch without a gap.
    Returns the new key and its raw value, which is never shown again.
    """
    old = lock_for_change(
        ApiKey.objects.all(),
        pk=apikey_id,
        label=LABEL,
        expected_version=expected_version,
    )
    now = timezone.now()
    if not old.active:
        raise IllegalTransition(
            model=LABEL, pk=old.pk, current="revoked", action="rotate"
        )
    if old.expires_at is not None and old.expires_at <= now:
        raise IllegalTransition(
            model=LABEL, pk=old.pk, current="expired", action="rotate"
        )
    deadline = now + grace
    old.expires_at = min(old.expires_at or deadline, deadline)
    bump(old)
    old.save()
    new, raw_key = _new_key(name=old.name, scopes=old.scopes, expires_at=None)
    outbox_extend(
        [
            aggregate_event(old, event_type=events.APIKEY_ROTATED),
            aggregate_event(new, event_type=events.APIKEY_ISSUED),
        ]
    )
    return new, raw_key


def _new_key(
    *, name: str, scopes: list[str], expires_at: datetime | None
) -> tuple[ApiKey, str]:
    raw_key = KEY_PREFIX + secrets.token_urlsafe(32)
    apikey = ApiKey(
        name=name,
        scopes=scopes,
        key_hash=hash_api_key(raw_key),
        prefix=raw_key[:PREFIX_LENGTH],
        expires_at=expires_at,
    )
    apikey.save()
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
    outbox_extend([aggregate_event(apikey, event_type=events.APIKEY_REVOKED)])
    return apikey
