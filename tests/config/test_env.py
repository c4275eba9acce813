"""Environment readers: Redis URLs carry the local password and the TLS CA option."""

import redis

from config.settings.env import env_redis_url, local_redis_url


def test_local_redis_url_carries_the_services_password(monkeypatch):
    monkeypatch.setenv("REDIS_PASSWORD", "p@ss word")
    monkeypatch.setenv("REDIS_PORT", "6390")

    url = local_redis_url()

    assert redis.connection.parse_url(url)["password"] == "p@ss word"
    assert url.endswith("@127.0.0.1:6390/0")


def test_env_redis_url_gives_a_rediss_url_its_ca_bundle(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "rediss://cqrs:secret@redis.internal:6380/0")
    monkeypatch.setenv("REDIS_CA_CERTS", "/etc/cqrs/redis-ca.pem")

    pool = redis.ConnectionPool.from_url(env_redis_url("REDIS_URL", ""))

    assert pool.connection_class is redis.SSLConnection
    assert pool.connection_kwargs["ssl_ca_certs"] == "/etc/cqrs/redis-ca.pem"
    assert pool.connection_kwargs["username"] == "cqrs"


def test_env_redis_url_leaves_a_plain_url_alone(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://:secret@10.218.0.5:6379/0")
    monkeypatch.setenv("REDIS_CA_CERTS", "/etc/cqrs/redis-ca.pem")

    assert env_redis_url("REDIS_URL", "") == "redis://:secret@10.218.0.5:6379/0"
