"""scripts/services.sh runs a durable Redis with a password: a clean down/up
keeps the data, and a client without the password is refused.

A private Redis (own CQRS_HOME and port), never the shared one.
"""

import os
import subprocess

import pytest
import redis

from tests.processes import ROOT, free_port

PASSWORD = "durability-test-password"


def services_with(env: dict[str, str]):
    """`services(*args)`: scripts/services.sh with `env` (its own home and port)."""

    def services(*args: str) -> None:
        subprocess.run(
            ["bash", str(ROOT / "scripts" / "services.sh"), *args],
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )

    return services


@pytest.fixture
def private_redis(tmp_path):
    env = dict(
        os.environ,
        CQRS_HOME=str(tmp_path / "home"),
        REDIS_PORT=str(free_port()),
        REDIS_PASSWORD=PASSWORD,
    )
    services = services_with(env)

    services("up", "redis")
    yield services, f"redis://:{PASSWORD}@127.0.0.1:{env['REDIS_PORT']}/0"
    services("down", "redis")


def test_services_redis_keeps_data_across_down_and_up(private_redis):
    services, url = private_redis
    redis.Redis.from_url(url).set("durable", "yes")

    services("down", "redis")
    services("up", "redis")

    assert redis.Redis.from_url(url).get("durable") == b"yes"
    assert redis.Redis.from_url(url).config_get("appendfsync") == {
        "appendfsync": "everysec"
    }


def test_services_redis_refuses_a_client_without_the_password(private_redis):
    _, url = private_redis
    anonymous = url.replace(f":{PASSWORD}@", "")

    with pytest.raises(redis.AuthenticationError):
        redis.Redis.from_url(anonymous).ping()


@pytest.fixture
def passwordless_redis(tmp_path):
    """A Redis an older services.sh started without a password, in its layout."""
    home, port = tmp_path / "home", free_port()
    (home / "run").mkdir(parents=True)
    (home / "redis").mkdir()
    subprocess.run(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1"]
        + ["--daemonize", "yes", "--pidfile", str(home / "run" / "redis.pid")]
        + ["--save", "", "--dir", str(home / "redis")],
        check=True,
        capture_output=True,
        timeout=30,
    )
    services = services_with(
        dict(
            os.environ,
            CQRS_HOME=str(home),
            REDIS_PORT=str(port),
            REDIS_PASSWORD=PASSWORD,
        )
    )

    yield services, port
    services("down", "redis")


def test_services_up_gives_a_passwordless_redis_the_password(passwordless_redis):
    services, port = passwordless_redis

    services("up", "redis")

    with pytest.raises(redis.AuthenticationError):
        redis.Redis.from_url(f"redis://127.0.0.1:{port}/0").ping()
    assert redis.Redis.from_url(f"redis://:{PASSWORD}@127.0.0.1:{port}/0").ping()
