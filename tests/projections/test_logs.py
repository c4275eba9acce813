"""JSON logs: one correlation id from the write request to the projector batch."""

import io
import json
import logging

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from config.logs import CorrelationFilter, json_formatter
from tests.projections.draining import drain

pytestmark = pytest.mark.usefixtures("engine_db")


@pytest.fixture
def json_log():
    """Records of the projector, formatted as the processes format them (JSON)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(json_formatter())
    handler.addFilter(CorrelationFilter())
    logger = logging.getLogger("projections.running.engine")
    logger.addHandler(handler)
    previous = logger.level
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


def staff_client() -> APIClient:
    user = get_user_model().objects.create_user("ops", is_staff=True, password="x")
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_projector_log_line_carries_the_correlation_id_of_the_write(json_log):
    response = staff_client().post(
        "/api/customers",
        {"email": "ada@example.com", "name": "Ada"},
        format="json",
        HTTP_X_REQUEST_ID="req-7f3a",
    )

    drain(names=["customer_summary"])

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    batch = next(line for line in lines if "req-7f3a" in line["correlation_ids"])
    assert response.status_code == 201
    assert response["X-Request-ID"] == "req-7f3a"
    assert batch["projection"] == "customer_summary"
    assert batch["correlation_id"] == "req-7f3a"
    assert batch["level"] == "INFO"
