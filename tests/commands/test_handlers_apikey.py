"""API key handlers: only the hash is stored; revoking emits a versioned event."""

import hashlib

import pytest

from commands.errors import IllegalTransition, ValidationError
from commands.handlers.apikey import apikey_issue, apikey_revoke
from tests.commands.conftest import Emitted

pytestmark = pytest.mark.django_db


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
