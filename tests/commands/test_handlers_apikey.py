"""API key handlers: only the hash is stored; revoking emits a versioned event."""

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from commands.errors import IllegalTransition, ValidationError
from commands.handlers.apikey import apikey_issue, apikey_revoke, apikey_rotate
from tests.commands.conftest import Emitted

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def test_apikey_issue_stores_only_the_hash_and_emits_apikey_issued(outbox):
    apikey, raw_key = apikey_issue(name="dashboard", scopes="orders:read,catalog:read")

    assert apikey.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert apikey.prefix == raw_key[:8]
    assert apikey.scopes == ["catalog:read", "orders:read"]
    assert outbox.new() == [Emitted("ApiKeyIssued", "apikey", str(apikey.pk), 1)]
    assert raw_key not in str(outbox.payloads())


@pytest.mark.parametrize("scopes", ["", "catalog:write", "catalog:read,admin"])
def test_apikey_issue_refuses_unknown_or_missing_scopes(scopes, outbox):
    with pytest.raises(ValidationError) as refused:
        apikey_issue(name="bad", scopes=scopes)

    assert list(refused.value.fields) == ["scopes"]
    assert outbox.new() == []


def test_apikey_revoke_deactivates_and_emits_apikey_revoked(outbox):
    apikey, _ = apikey_issue(name="old", scopes=["catalog:read"])
    outbox.mark()

    revoked = apikey_revoke(apikey_id=apikey.pk)

    assert (revoked.active, revoked.version) == (False, 2)
    assert outbox.new() == [Emitted("ApiKeyRevoked", "apikey", str(apikey.pk), 2)]


def test_apikey_revoke_twice_is_an_illegal_transition():
    apikey, _ = apikey_issue(name="old", scopes=["catalog:read"])
    apikey_revoke(apikey_id=apikey.pk)

    with pytest.raises(IllegalTransition):
        apikey_revoke(apikey_id=apikey.pk)


def test_apikey_issue_refuses_an_expiry_in_the_past(outbox):
    with pytest.raises(ValidationError) as refused:
        apikey_issue(
            name="late", scopes="catalog:read", expires_at=timezone.now() - HOUR
        )

    assert list(refused.value.fields) == ["expires_at"]
    assert outbox.new() == []


def test_apikey_rotate_issues_a_twin_and_gives_the_old_key_a_grace_period(outbox):
    old, _ = apikey_issue(name="partner", scopes="catalog:read,orders:read")
    outbox.mark()
    before = timezone.now()

    new, raw_key = apikey_rotate(apikey_id=old.pk, grace=HOUR)

    old.refresh_from_db()
    assert before + HOUR <= old.expires_at <= timezone.now() + HOUR
    assert (old.active, old.version) == (True, 2)
    assert (new.name, new.scopes, new.expires_at) == (old.name, old.scopes, None)
    assert new.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert outbox.new() == [
        Emitted("ApiKeyRotated", "apikey", str(old.pk), 2),
        Emitted("ApiKeyIssued", "apikey", str(new.pk), 1),
    ]


def test_apikey_rotate_never_extends_an_earlier_expiry():
    soon = timezone.now() + timedelta(minutes=5)
    old, _ = apikey_issue(name="short", scopes="catalog:read", expires_at=soon)

    apikey_rotate(apikey_id=old.pk, grace=HOUR)

    old.refresh_from_db()
    assert old.expires_at == soon


def test_apikey_rotate_a_revoked_key_is_an_illegal_transition(outbox):
    apikey, _ = apikey_issue(name="gone", scopes=["catalog:read"])
    apikey_revoke(apikey_id=apikey.pk)
    outbox.mark()

    with pytest.raises(IllegalTransition):
        apikey_rotate(apikey_id=apikey.pk, grace=HOUR)

    assert outbox.new() == []
