"""The public read port: `X-Request-ID` on every answer, and no metrics."""


def test_read_api_does_not_serve_metrics_to_an_api_key_holder(api, catalog):
    readable = api.get(f"/v1/stock/{next(iter(catalog.products))}")

    response = api.get("/metrics")

    assert readable.status_code == 200
    assert response.status_code == 404
    assert "django_http_requests" not in response.text


def test_read_api_echoes_a_sane_request_id(api):
    response = api.get("/v1/products", headers={"X-Request-ID": "trace-42"})

    assert response.headers["X-Request-ID"] == "trace-42"


def test_read_api_replaces_an_unusable_request_id(api):
    response = api.get("/v1/products", headers={"X-Request-ID": "x" * 65})

    assert len(response.headers["X-Request-ID"]) == 32
