"""The api_keys projection carries each key's expiry to the read API."""

from datetime import timedelta

import pytest

from commands.handlers.apikey import apikey_issue, apikey_rotate
from projections import tunables
from projections.running import engine
from readapi.queries.api_keys import find_key

pytestmark = pytest.mark.usefixtures("engine_db")


def _project_api_keys() -> None:
    for segment in range(tunables.segments_for("api_keys")):
        engine.run_segment(projection="api_keys", segment=segment)


def test_api_keys_projection_carries_the_grace_expiry_of_a_rotated_key():
    old, _ = apikey_issue(name="partner", scopes="catalog:read")
    new, _ = apikey_rotate(apikey_id=old.pk, grace=timedelta(hours=1))
    old.refresh_from_db()

    _project_api_keys()

    projected_old, projected_new = find_key(old.key_hash), find_key(new.key_hash)
    assert projected_old is not None and projected_new is not None
    assert projected_old.expires_at == pytest.approx(old.expires_at.timestamp())
    assert projected_old.active
    assert projected_new.expires_at is None
