"""A real read-role server over seeded OpenSearch and Redis read models."""

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from config import connections
from tests.processes import start_web
from tests.readapi import seeding

# Generous: most tests share one key; the throttling test starts its own server.
RATE = "100000/min"
CONSISTENCY_WAIT = "1.0"


class PostgresTrap:
    """Listens where the read role would find PostgreSQL and counts every attempt."""

    def __init__(self) -> None:
        self.attempts = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.attempts += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()


class Api:
    """HTTP against one read server, with a default API key."""

    def __init__(self, base_url: str, *, key: seeding.IssuedKey | None = None) -> None:
        self.base_url = base_url
        self.key = key
        self.session = requests.Session()

    def get(
        self,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        key: seeding.IssuedKey | None = None,
        anonymous: bool = False,
    ) -> requests.Response:
        sent = {}
        chosen = key or self.key
        if chosen is not None and not anonymous:
            sent.update(chosen.header)
        sent.update(headers or {})
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        return self.session.get(url, params=params, headers=sent, timeout=30)

    def walk(
        self, path: str, *, params: dict[str, Any], link: str = "next"
    ) -> list[dict]:
        """Every page from the first, following `link` until it runs out."""
        pages = []
        response = self.get(path, params=params)
        while True:
            assert response.status_code == 200, response.text
            pages.append(response.json())
            following = pages[-1][link]
            if following is None:
                return pages
            response = self.get(following)


@pytest.fixture(scope="session")
def stores() -> Iterator[tuple[Any, Any]]:
    """The real OpenSearch and Redis of this namespace, emptied before and after."""
    opensearch, redis = connections.opensearch(), connections.redis_client()
    seeding.clear_namespace(opensearch=opensearch, redis=redis)
    yield opensearch, redis
    seeding.clear_namespace(opensearch=opensearch, redis=redis)


@pytest.fixture(scope="session")
def catalog(stores) -> seeding.Catalog:
    opensearch, redis = stores
    catalog = seeding.seed_catalog(opensearch)
    seeding.seed_redis(redis, catalog=catalog)
    return catalog


@pytest.fixture(scope="session")
def issue(stores):
    """Issue API keys with the given scopes."""
    _, redis = stores
    return lambda scopes="catalog:read,orders:read", expires_at=None: seeding.issue_key(
        redis, scopes=scopes, expires_at=expires_at
    )


@pytest.fixture(scope="session")
def full_key(issue) -> seeding.IssuedKey:
    return issue("catalog:read,orders:read")


@pytest.fixture(scope="session")
def postgres_trap() -> Iterator[PostgresTrap]:
    trap = PostgresTrap()
    yield trap
    trap.close()


def server_env(project_env: dict[str, str], **extra: str) -> dict[str, str]:
    env = dict(
        project_env, CQRS_READ_RATE=RATE, CQRS_READ_CONSISTENCY_WAIT=CONSISTENCY_WAIT
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def server(catalog, project_env, process_log_dir, postgres_trap) -> Iterator[str]:
    """The read role under gunicorn, told PostgreSQL lives at a port that is a trap."""
    env = server_env(project_env, PGHOST="127.0.0.1", PGPORT=str(postgres_trap.port))
    process, url = start_web(role="read", env=env, log_dir=process_log_dir)
    yield url
    process.stop()


@pytest.fixture(scope="session")
def api(server, full_key) -> Api:
    return Api(server, key=full_key)


@pytest.fixture
def start_server(project_env, process_log_dir):
    """Start extra read servers with environment overrides; stopped after the test."""
    started = []

    def start(**extra: str) -> Api:
        process, url = start_web(
            role="read", env=server_env(project_env, **extra), log_dir=process_log_dir
        )
        started.append(process)
        return Api(url)

    yield start
    for process in started:
        process.stop()


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
