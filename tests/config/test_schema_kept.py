"""The OpenAPI document is generated once per process, not on every request."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from config.api_docs import OpenSchemaView


@pytest.fixture
def generations(monkeypatch) -> list[str]:
    """Start with no kept document; record each generation of one."""
    monkeypatch.setattr(OpenSchemaView, "_kept", {}, raising=False)
    made: list[str] = []
    generate = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        made.append(self.api_version or "")
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    return made


def get(path: str, accept: str = "application/json", host: str = "testserver"):
    response = APIClient().get(path, HTTP_ACCEPT=accept, HTTP_HOST=host)
    assert response.status_code == 200
    return response


def test_schema_is_generated_once_and_served_the_same_after(generations):
    first = get("/api/schema").json()
    again = get("/api/schema").json()
    as_yaml = get("/api/schema", accept="application/vnd.oai.openapi")

    assert len(generations) == 1
    assert again == first
    assert b"openapi: 3" in as_yaml.content
    assert "yaml" in as_yaml["Content-Disposition"]


def test_schema_kept_per_host_and_bounded(generations, settings):
    settings.ALLOWED_HOSTS = ["*"]
    get("/api/schema", host="127.0.0.1")
    get("/api/schema", host="localhost")
    get("/api/schema", host="localhost")
    assert len(generations) == 2

    for n in range(OpenSchemaView.KEPT_MAX + 5):
        get("/api/schema", host=f"h{n}.localhost")
    assert len(generations) == 2 + OpenSchemaView.KEPT_MAX + 5
    assert len(OpenSchemaView._kept) <= OpenSchemaView.KEPT_MAX
