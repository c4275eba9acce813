"""API keys: 401 without a valid one, 403 without the scope, 429 over the quota."""

import time

import pytest

from projections.api_keys.schema import usage_key
from tests.processes import poll_until
from tests.readapi import seeding

CATALOG = ["/v1/products", "/v1/products/1", "/v1/products/facets", "/v1/stock/1",
           "/v1/leaderboards/top-products", "/v1/products/suggest?q=oak"]  # fmt: skip
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


def test_expired_key_is_401(api, catalog, issue):
    key = issue("catalog:read", expires_at=time.time() - 1)

    response = api.get("/v1/products", key=key)

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "This API key has expired."


def test_key_before_its_expiry_answers(api, catalog, issue):
    key = issue("catalog:read", expires_at=time.time() + 3600)

    assert api.get("/v1/products", key=key).status_code == 200


def test_rotated_key_works_during_its_grace_and_fails_after(api, catalog, issue):
    # What apikey_rotate projects: the old key expires soon, its twin never.
    old = issue("catalog:read", expires_at=time.time() + 4)
    new = issue("catalog:read")
    during = [api.get("/v1/stock/1", key=k).status_code for k in (old, new)]

    poll_until(
        lambda: api.get("/v1/stock/1", key=old).status_code == 401,
        timeout=20,
        interval=0.2,
    )

    assert during == [200, 200]
    assert api.get("/v1/stock/1", key=new).status_code == 200


def test_key_use_is_noted_at_most_once_a_minute(api, catalog, issue, stores):
    _, redis = stores
    key = issue("catalog:read")
    api.get("/v1/stock/1", key=key)
    first = redis.hget(usage_key(), key.key_hash)
    redis.hdel(usage_key(), key.key_hash)

    api.get("/v1/stock/1", key=key)

    assert first is not None and abs(float(first) - time.time()) < 60
    assert redis.hget(usage_key(), key.key_hash) is None


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
