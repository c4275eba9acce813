"""API keys: 401 without a valid one, 403 without the scope, 429 over the quota."""

import pytest

from tests.readapi import seeding

CATALOG = ["/v1/products", "/v1/products/1", "/v1/products/facets", "/v1/stock/1",
           "/v1/leaderboards/top-products"]  # fmt: skip
ORDERS = ["/v1/orders", "/v1/orders/1", "/v1/customers/1/summary"]


@pytest.mark.parametrize("path", [*CATALOG, *ORDERS])
def test_endpoint_without_a_key_is_401_with_a_challenge(api, catalog, path):
    response = api.get(path, anonymous=True)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "authorization",
    ["Api-Key not-a-key", "Api-Key ", "Bearer abc", "Api-Key " + "x" * 300, "Api-Key"],
)
def test_endpoint_with_an_invalid_key_is_401(api, catalog, authorization):
    response = api.get(
        "/v1/products", headers={"Authorization": authorization}, anonymous=True
    )

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize("path", ORDERS)
def test_order_endpoint_with_a_catalog_key_is_403(api, catalog, issue, path):
    response = api.get(path, key=issue("catalog:read"))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.mark.parametrize("path", CATALOG)
def test_catalog_endpoint_with_an_orders_key_is_403(api, catalog, issue, path):
    assert api.get(path, key=issue("orders:read")).status_code == 403


@pytest.mark.parametrize("path", CATALOG)
def test_catalog_endpoint_with_a_catalog_key_answers(api, catalog, issue, path):
    assert api.get(path, key=issue("catalog:read")).status_code == 200


def test_revoked_key_is_refused_on_the_next_request(api, catalog, issue, stores):
    key = issue("catalog:read")
    assert api.get("/v1/products", key=key).status_code == 200

    seeding.revoke_key(stores[1], key=key)

    assert api.get("/v1/products", key=key).status_code == 401


@pytest.mark.parametrize("path", ["/v1/schema", "/v1/docs", "/healthz"])
def test_open_endpoint_answers_without_a_key(api, catalog, path):
    assert api.get(path, anonymous=True).status_code == 200


def test_key_over_its_quota_is_429_with_retry_after(catalog, issue, start_server):
    server = start_server(CQRS_READ_RATE="3/min")
    key, other = issue("catalog:read"), issue("catalog:read")
    statuses = [server.get("/v1/stock/1", key=key).status_code for _ in range(4)]

    refused = server.get("/v1/stock/1", key=key)

    assert statuses == [200, 200, 200, 429]
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert server.get("/v1/stock/1", key=other).status_code == 200
