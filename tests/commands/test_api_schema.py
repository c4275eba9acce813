"""The write API's OpenAPI document, fetched through its real URL: valid under a
third-party validator, with the headers and errors each operation really has."""

import re

import pytest
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from commands.handlers.order import order_place
from commands.serializers_state import order_state, stock_state

pytestmark = pytest.mark.django_db

WRITE_PATHS = {
    "/api/categories",
    "/api/categories/{id}",
    "/api/products",
    "/api/products/{id}",
    "/api/products/{id}/archive",
    "/api/stock",
    "/api/stock/{product_id}/adjust",
    "/api/customers",
    "/api/customers/{id}",
    "/api/orders",
    "/api/orders/{id}/pay",
    "/api/orders/{id}/ship",
    "/api/orders/{id}/cancel",
}
# Writes on an existing aggregate: they honour If-Match.
VERSIONED = [
    ("/api/categories/{id}", "patch"),
    ("/api/products/{id}", "patch"),
    ("/api/products/{id}/archive", "post"),
    ("/api/stock/{product_id}/adjust", "post"),
    ("/api/customers/{id}", "patch"),
    ("/api/orders/{id}/pay", "post"),
    ("/api/orders/{id}/ship", "post"),
    ("/api/orders/{id}/cancel", "post"),
]
CREATES = [
    ("/api/categories", "post"),
    ("/api/products", "post"),
    ("/api/customers", "post"),
    ("/api/orders", "post"),
]
POSTS = CREATES + [op for op in VERSIONED if op[1] == "post"]


@pytest.fixture(scope="module")
def schema() -> dict:
    """Generated once per module: building it needs no database."""
    response = APIClient().get("/api/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def header_names(operation: dict) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


def success(operation: dict) -> dict:
    return next(r for code, r in operation["responses"].items() if code[0] == "2")


def test_write_schema_is_valid_openapi_3(schema):
    validate(schema)

    assert schema["openapi"].startswith("3.")


def test_write_schema_is_open_without_credentials():
    response = APIClient().get("/api/schema", HTTP_ACCEPT="application/json")

    assert response.status_code == 200


def test_write_schema_lists_every_route(schema):
    assert set(schema["paths"]) == WRITE_PATHS


@pytest.mark.parametrize(("path", "method"), VERSIONED)
def test_write_schema_versioned_write_takes_if_match_and_documents_412(
    schema, path, method
):
    operation = schema["paths"][path][method]

    assert "If-Match" in header_names(operation)
    assert "412" in operation["responses"]


@pytest.mark.parametrize(("path", "method"), CREATES)
def test_write_schema_create_has_no_if_match_or_412(schema, path, method):
    operation = schema["paths"][path][method]

    assert "If-Match" not in header_names(operation)
    assert "412" not in operation["responses"]


@pytest.mark.parametrize(("path", "method"), POSTS)
def test_write_schema_post_takes_idempotency_key_and_documents_422(
    schema, path, method
):
    operation = schema["paths"][path][method]

    assert "Idempotency-Key" in header_names(operation)
    assert "422" in operation["responses"]
    assert "Idempotent-Replayed" in success(operation)["headers"]


@pytest.mark.parametrize(("path", "method"), VERSIONED + CREATES)
def test_write_schema_success_carries_consistency_token_and_etag(schema, path, method):
    headers = success(schema["paths"][path][method])["headers"]

    assert headers["X-Consistency-Token"]["required"] is True
    assert headers["ETag"]["required"] is True


@pytest.mark.parametrize(("path", "method"), VERSIONED + CREATES)
def test_write_schema_errors_use_the_one_error_shape_with_an_example(
    schema, path, method
):
    responses = schema["paths"][path][method]["responses"]
    errors = {code: r for code, r in responses.items() if code[0] in "45"}

    assert {"400", "401", "403", "409", "503"} <= set(errors)
    assert {
        r["content"]["application/json"]["schema"]["$ref"] for r in errors.values()
    } == {"#/components/schemas/Error"}
    assert all(
        "error"
        in next(iter(r["content"]["application/json"]["examples"].values()))["value"]
        for r in errors.values()
    )
    assert "Retry-After" in errors["503"]["headers"]


def test_write_schema_error_shape_names_code_message_and_fields(schema):
    components = schema["components"]["schemas"]

    assert set(components["Error"]["properties"]) == {"error"}
    assert set(components["ErrorDetail"]["properties"]) == {"code", "message", "fields"}


def test_write_schema_product_state_is_what_a_create_returns(schema, api, category):
    body = {"sku": "DOC-1", "name": "Kettle", "category": category.pk, "price": "9.90"}
    response = api.post("/api/products", body, format="json")
    documented = schema["components"]["schemas"]["ProductState"]["properties"]

    assert response.status_code == 201
    assert set(documented) == set(response.json())


def test_write_schema_order_and_stock_states_are_what_the_handlers_return(
    schema, product, customer
):
    order = order_place(
        customer_id=customer.pk, lines=[{"product_id": product.pk, "quantity": 1}]
    )
    components = schema["components"]["schemas"]

    assert set(components["OrderState"]["properties"]) == set(order_state(order))
    assert set(components["OrderLineState"]["properties"]) == set(
        order_state(order)["lines"][0]
    )
    assert set(components["StockState"]["properties"]) == set(
        stock_state(product.stock)
    )


def test_write_docs_page_renders_every_asset_from_this_server():
    client = APIClient()
    page = client.get("/api/docs")
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)

    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert "swagger-ui" in html
    assert "/api/schema" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", html)
    assert assets
    assert [client.get(asset).status_code for asset in assets] == [200] * len(assets)
