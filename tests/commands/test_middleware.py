"""The X-Request-ID of a write request becomes the correlation id of its events."""

import pytest

from commands.models import OutboxEvent

pytestmark = pytest.mark.django_db


def test_request_id_is_stamped_on_the_events_and_echoed(api):
    response = api.post(
        "/api/categories", {"name": "Tools"}, format="json", HTTP_X_REQUEST_ID="req-42"
    )

    assert response["X-Request-ID"] == "req-42"
    assert OutboxEvent.objects.get().correlation_id == "req-42"


def test_a_generated_id_is_used_when_the_header_is_missing_or_unusable(api):
    response = api.post(
        "/api/categories", {"name": "Tools"}, format="json", HTTP_X_REQUEST_ID="x" * 200
    )

    generated = response["X-Request-ID"]
    assert len(generated) == 32
    assert OutboxEvent.objects.get().correlation_id == generated
