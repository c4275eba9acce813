"""HTTP behaviour: conditional GETs, caching headers, one error shape, outages, docs."""

import re
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings

from projections import naming
from tests.readapi import seeding
from tests.readapi.basic_auth_gateway import BasicAuthGateway
from tests.readapi.conftest import closed_port


def test_read_carries_an_etag_and_answers_304_when_it_matches(api, catalog):
    first = api.get("/v1/stock/3")

    again = api.get("/v1/stock/3", headers={"If-None-Match": first.headers["ETag"]})

    assert first.status_code == 200
    assert again.status_code == 304
    assert again.content == b""


def test_read_etag_changes_when_the_read_model_does(api, catalog, stores):
    _, redis = stores
    key = seeding.redis_key(projection="stock", suffix="4")
    etag = api.get("/v1/stock/4").headers["ETag"]
    redis.hset(key, mapping={"on_hand": 99, "version": 9})

    response = api.get("/v1/stock/4", headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response.json()["on_hand"] == 99
    assert response.headers["ETag"] != etag


def test_read_is_privately_cacheable_for_a_moment(api, catalog):
    response = api.get("/v1/products", params={"page_size": 1})

    assert re.fullmatch(r"private, max-age=\d+", response.headers["Cache-Control"])
    assert "Authorization" in response.headers["Vary"]
    assert response.headers["Content-Type"] == "application/json"


def test_error_is_never_cached(api, catalog):
    assert api.get("/v1/products/999999").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/nowhere", 404, "not_found"),
        ("/v1/products/-1", 404, "not_found"),
        ("/v1/products/1/", 404, "not_found"),
        ("/v1/products?page_size=0", 400, "invalid_parameters"),
        ("/v1/stock/999999", 404, "not_found"),
        ("/v1/customers/999/summary", 404, "not_found"),
        ("/v1/orders/999999", 404, "not_found"),
    ],
)
def test_error_has_the_one_json_shape(api, catalog, path, status, code):
    response = api.get(path)

    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == code
    assert set(error) == {"code", "message", "fields"}


def test_other_methods_are_405_in_the_error_shape(api, catalog):
    response = api.session.post(f"{api.base_url}/v1/products", headers=api.key.header)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_stock_and_customer_summary_come_from_redis(api, catalog):
    stock = api.get("/v1/stock/5").json()
    summary = api.get("/v1/customers/2/summary").json()

    assert stock == {
        "product_id": 5,
        "on_hand": catalog.products[5]["available"] + 2,
        "reserved": 2,
        "available": catalog.products[5]["available"],
        "units_sold": catalog.products[5]["units_sold"],
        "version": 3,
    }
    assert summary == {
        "customer_id": 2,
        "orders_count": 18,
        "lifetime_value": "123.45",
        "currency": None,
        "version": 7,
    }


def test_order_detail_returns_lines_and_dates(api, catalog):
    order = api.get("/v1/orders/6").json()

    assert order["lines"][0]["sku"] == "SKU-00006"
    assert order["total"] == catalog.orders[6]["total"]
    assert order["placed_at"] == catalog.orders[6]["placed_at"]


def test_order_list_filters_by_customer_status_and_dates(api, catalog):
    params = {
        "customer": 2,
        "status": "paid",
        "placed_after": "2024-01-02T00:00:00Z",
        "placed_before": "2024-01-05T00:00:00Z",
        "page_size": 100,
    }

    rows = api.get("/v1/orders", params=params).json()["results"]

    expected = [
        o["id"]
        for o in catalog.orders.values()
        if o["customer_id"] == 2
        and o["status"] == "paid"
        and "2024-01-02" <= o["placed_at"][:10] < "2024-01-05"
    ]
    assert sorted(row["id"] for row in rows) == sorted(expected)
    assert expected


def test_read_is_503_in_the_error_shape_when_opensearch_is_down(
    catalog, full_key, start_server
):
    server = start_server(OPENSEARCH_URL=f"http://127.0.0.1:{closed_port()}")

    products = server.get("/v1/products", key=full_key)
    stock = server.get("/v1/stock/1", key=full_key)

    assert products.status_code == 503
    assert products.json()["error"]["code"] == "service_unavailable"
    assert "Retry-After" in products.headers
    assert stock.status_code == 200


def test_read_is_503_in_the_error_shape_when_redis_is_down(
    catalog, full_key, start_server
):
    server = start_server(REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")

    response = server.get("/v1/products", key=full_key)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_read_is_503_when_a_read_model_was_never_built(api, catalog, stores):
    _, redis = stores
    pointer = naming.generation_pointer("customer_summary")
    redis.delete(pointer)
    try:
        response = api.get("/v1/customers/1/summary")
    finally:
        redis.set(pointer, seeding.GENERATION)

    assert response.status_code == 503


def test_schema_is_openapi_3_with_every_operation(api, catalog):
    schema = api.get(
        "/v1/schema", headers={"Accept": "application/json"}, anonymous=True
    ).json()

    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/v1/products",
        "/v1/products/{product_id}",
        "/v1/products/facets",
        "/v1/products/suggest",
        "/v1/orders",
        "/v1/orders/{order_id}",
        "/v1/stock/{product_id}",
        "/v1/leaderboards/top-products",
        "/v1/customers/{customer_id}/summary",
    }
    names = {p["name"] for p in schema["paths"]["/v1/products"]["get"]["parameters"]}
    assert names >= {
        "search",
        "category",
        "min_price",
        "ordering",
        "page_size",
        "cursor",
        "highlight",
    }


def test_docs_page_loads_every_asset_from_this_server(api, catalog):
    page = api.get("/v1/docs", anonymous=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)

    assert page.status_code == 200
    assert "swagger-ui" in page.text
    assert assets and not [a for a in assets if re.match(r"(https?:)?//", a)]
    for asset in assets:
        assert api.get(asset, anonymous=True).status_code == 200, asset


def with_password(url: str, password: str) -> str:
    """`url` with its password replaced (its user, if any, kept)."""
    parts = urlsplit(url)
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{host}"))


def test_read_is_503_when_redis_refuses_the_password(catalog, full_key, start_server):
    wrong = with_password(settings.CQRS["REDIS_URL"], "not-the-password")
    server = start_server(REDIS_URL=wrong)

    response = server.get("/v1/stock/1", key=full_key)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "Retry-After" in response.headers


@pytest.fixture
def opensearch_gateway():
    gateway = BasicAuthGateway(
        target=settings.CQRS["OPENSEARCH_URL"], username="reader", password="s3cret"
    )
    yield gateway
    gateway.close()


def test_read_sends_the_opensearch_credentials(
    catalog, full_key, start_server, opensearch_gateway
):
    server = start_server(
        OPENSEARCH_URL=opensearch_gateway.url,
        OPENSEARCH_USERNAME="reader",
        OPENSEARCH_PASSWORD="s3cret",
    )

    assert server.get("/v1/products", key=full_key).status_code == 200


def test_read_is_503_when_opensearch_refuses_the_credentials(
    catalog, full_key, start_server, opensearch_gateway
):
    server = start_server(
        OPENSEARCH_URL=opensearch_gateway.url,
        OPENSEARCH_USERNAME="reader",
        OPENSEARCH_PASSWORD="wrong",
    )

    response = server.get("/v1/products", key=full_key)

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
