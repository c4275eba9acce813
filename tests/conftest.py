"""Shared fixtures: real PostgreSQL, Redis and OpenSearch, scoped by namespace."""

import os

import pytest
from django.conf import settings

from config import connections
from tests.processes import start_listener, start_web, start_worker


@pytest.fixture(scope="session")
def namespace() -> str:
    return str(settings.CQRS["NAMESPACE"])


@pytest.fixture
def redis_client(namespace):
    """The Redis client; every key under this namespace is removed after the test."""
    client = connections.redis_client()
    yield client
    _delete_namespace_keys(client, namespace)


@pytest.fixture
def opensearch(namespace):
    """The OpenSearch client; indices of this namespace are removed after the test."""
    client = connections.opensearch()
    yield client
    client.indices.delete(index=f"{namespace}-*", ignore_unavailable=True)


def _delete_namespace_keys(client, namespace: str) -> None:
    for prefix in (f"{namespace}:", f"{namespace}-"):
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


@pytest.fixture(scope="session")
def project_env() -> dict[str, str]:
    """Environment for subprocesses (servers, workers) of this test session."""
    env = dict(os.environ)
    env["CQRS_NAMESPACE"] = str(settings.CQRS["NAMESPACE"])
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def process_log_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("process-logs")


@pytest.fixture(scope="session")
def write_env(project_env, django_db_setup, django_db_blocker) -> dict[str, str]:
    """Environment for write-role subprocesses, pointed at the test database."""
    return dict(project_env, PGDATABASE=settings.DATABASES["default"]["NAME"])


@pytest.fixture(scope="session")
def write_server(write_env, process_log_dir):
    process, url = start_web(role="write", env=write_env, log_dir=process_log_dir)
    yield url
    process.stop()


@pytest.fixture(scope="session")
def read_server(project_env, process_log_dir):
    process, url = start_web(role="read", env=project_env, log_dir=process_log_dir)
    yield url
    process.stop()


@pytest.fixture
def read_server_factory(project_env, process_log_dir):
    """Start extra read-role servers with a modified environment."""
    started = []

    def start(*, extra_env: dict[str, str]) -> str:
        process, url = start_web(
            role="read", env=dict(project_env, **extra_env), log_dir=process_log_dir
        )
        started.append(process)
        return url

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def worker_process(write_env, process_log_dir):
    """One real Dramatiq worker process consuming this namespace's queues."""
    process = start_worker(env=write_env, log_dir=process_log_dir)
    yield process
    process.stop()


@pytest.fixture
def listener_process(write_env, process_log_dir):
    """The outbox listener as a real process (NOTIFY and the tick → runs)."""
    process = start_listener(env=write_env, log_dir=process_log_dir)
    yield process
    process.stop()
