"""Liveness and readiness of both web roles, each served by a real gunicorn process."""

from tests.processes import http_get


def test_write_role_healthz_answers(write_server):
    status, body = http_get(f"{write_server}/healthz")

    assert status == 200
    assert body == {"status": "ok", "role": "write"}


def test_write_role_readyz_checks_postgresql_redis_and_opensearch(write_server):
    status, body = http_get(f"{write_server}/readyz")

    assert status == 200
    assert set(body.values()) == {"OK"}
    assert any(name.startswith("Database") for name in body)
    assert any(name.startswith("OpenSearchCheck") for name in body)
    assert any(name.startswith("RedisCheck") for name in body)


def test_read_role_readyz_checks_redis_and_opensearch_only(read_server):
    status, body = http_get(f"{read_server}/readyz")

    assert status == 200
    assert set(body.values()) == {"OK"}
    assert not any(name.startswith("Database") for name in body)
    assert len(body) == 2


def test_read_role_readyz_reports_an_unreachable_dependency(read_server_factory):
    server = read_server_factory(extra_env={"REDIS_URL": "redis://127.0.0.1:1/0"})

    status, body = http_get(f"{server}/readyz")

    assert status == 500
    assert "unreachable" in next(
        v for k, v in body.items() if k.startswith("RedisCheck")
    )


def test_metrics_exposes_prometheus_text(read_server):
    status, body = http_get(f"{read_server}/metrics", raw=True)

    assert status == 200
    assert "django_http_requests_total" in body
