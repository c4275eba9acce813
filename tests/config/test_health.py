"""Liveness and readiness of both web roles, each served by a real gunicorn process."""

import pytest

from projections import naming, registry
from projections.lifecycle import generations
from tests.processes import http_get


@pytest.fixture
def read_models(redis_client, opensearch):
    """Generation 1 of every read model in the stores (no database rows needed)."""
    for spec in registry.all_specs():
        generations.store_for(spec=spec, generation="1").ensure(live=True)


def test_write_role_healthz_answers(write_server):
    status, body = http_get(f"{write_server}/healthz")

    assert status == 200
    assert body == {"status": "ok", "role": "write"}


@pytest.mark.usefixtures("read_models")
def test_write_role_readyz_checks_postgresql_redis_and_opensearch(write_server):
    status, body = http_get(f"{write_server}/readyz")

    assert status == 200
    assert set(body.values()) == {"OK"}
    assert any(name.startswith("Database") for name in body)
    assert any(name.startswith("OpenSearchCheck") for name in body)
    assert any(name.startswith("RedisCheck") for name in body)


@pytest.mark.usefixtures("read_models")
def test_read_role_readyz_checks_redis_and_opensearch_only(read_server):
    status, body = http_get(f"{read_server}/readyz")

    assert status == 200
    assert set(body.values()) == {"OK"}
    assert not any(name.startswith("Database") for name in body)
    assert len(body) == 3


@pytest.mark.usefixtures("read_models")
def test_read_role_readyz_names_a_lost_read_model(read_server, redis_client):
    redis_client.delete(naming.generation_marker(projection="stock", generation="1"))

    status, body = http_get(f"{read_server}/readyz")

    assert status == 503
    assert "stock" in next(
        v for k, v in body.items() if k.startswith("ReadModelsCheck")
    )


@pytest.mark.usefixtures("read_models")
def test_read_role_readyz_names_a_deleted_index(read_server, opensearch):
    opensearch.indices.delete(
        index=naming.index_name(projection="orders", generation="1")
    )

    status, body = http_get(f"{read_server}/readyz")

    assert status == 503
    assert "orders" in next(
        v for k, v in body.items() if k.startswith("ReadModelsCheck")
    )


def test_read_role_readyz_reports_an_unreachable_dependency(read_server_factory):
    server = read_server_factory(extra_env={"REDIS_URL": "redis://127.0.0.1:1/0"})

    status, body = http_get(f"{server}/readyz")

    assert status == 503
    assert "unreachable" in next(
        v for k, v in body.items() if k.startswith("RedisCheck")
    )
