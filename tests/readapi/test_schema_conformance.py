"""Property-based: requests generated from /v1/schema never get a 5xx, and every
response conforms to the schema (status code, content type, body)."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from projections import naming
from readapi import urls
from readapi.read_view import ReadView

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Every read endpoint the URLconf serves (mounted under /v1/), as the schema names it.
READ_ROUTES = {
    "/v1/" + re.sub(r"<\w+:(\w+)>", r"{\1}", str(pattern.pattern)): view
    for pattern in urls.urlpatterns
    if (view := getattr(pattern.callback, "view_class", None))
    and issubclass(view, ReadView)
}
OPERATIONS = sorted(READ_ROUTES)
PROJECTIONS = sorted(
    {name for view in READ_ROUTES.values() for name in view.projections}
)
EXAMPLES = 30


@pytest.fixture
def watermarks_ahead_of_any_token(stores, catalog):
    """Any generated consistency token is already passed, so no request waits."""
    _, redis = stores
    for projection in PROJECTIONS:
        redis.set(naming.watermark_key(projection), 10**21)
    yield
    for projection in PROJECTIONS:
        redis.set(naming.watermark_key(projection), 1000)


@pytest.fixture(scope="module")
def read_api_schema(api):
    return schemathesis.openapi.from_url(f"{api.base_url}/v1/schema")


def test_read_api_operations_are_every_endpoint_the_schema_documents(
    read_api_schema,
):
    documented = set(read_api_schema.raw_schema["paths"])

    assert set(OPERATIONS) == documented


# schemathesis' lazy pytest integration (from_fixture) breaks on pytest 9, so the
# Hypothesis test is built here, one per operation and generation mode.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("path", OPERATIONS)
def test_read_api_operation_conforms_to_its_schema(
    api, read_api_schema, watermarks_ahead_of_any_token, path, mode
):
    operation = read_api_schema[path]["GET"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck)
    )
    def conforms(case):
        case.call_and_validate(
            base_url=api.base_url, headers=api.key.header, checks=CHECKS
        )

    conforms()
