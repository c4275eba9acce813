"""Property-based: requests generated from /v1/schema never get a 5xx, and every
response conforms to the schema (status code, content type, body)."""

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

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
PROJECTIONS = ("products", "orders", "stock", "top_products", "customer_summary")
OPERATIONS = [
    "/v1/products",
    "/v1/products/{product_id}",
    "/v1/products/facets",
    "/v1/orders",
    "/v1/orders/{order_id}",
    "/v1/stock/{product_id}",
    "/v1/leaderboards/top-products",
    "/v1/customers/{customer_id}/summary",
]
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
