"""Typed readers for environment variables, each with a safe local default."""

import os
from urllib.parse import quote, urlencode

# The development defaults of scripts/services.sh; production settings refuse them.
LOCAL_REDIS_PASSWORD = "cqrs"
LOCAL_PG_PASSWORD = "cqrs"
LOCAL_SECRET_KEY = "local-development-only-not-a-secret"


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(
            f"environment variable {name} must be an integer, got {raw!r}"
        ) from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(
            f"environment variable {name} must be a number, got {raw!r}"
        ) from None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_redis_url(name: str, default: str) -> str:
    """A Redis URL; REDIS_CA_CERTS adds the CA bundle a `rediss://` URL verifies with."""
    url = env_str(name, default)
    ca_certs = env_str("REDIS_CA_CERTS", "")
    if not ca_certs or not url.startswith("rediss://") or "ssl_ca_certs=" in url:
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({'ssl_ca_certs': ca_certs})}"


def local_redis_url() -> str:
    """The Redis of scripts/services.sh: its port and its password (REDIS_PASSWORD)."""
    password = env_str("REDIS_PASSWORD", LOCAL_REDIS_PASSWORD)
    auth = f":{quote(password, safe='')}@" if password else ""
    return f"redis://{auth}127.0.0.1:{env_int('REDIS_PORT', 63790)}/0"


def env_map(name: str) -> dict[str, int]:
    """`a=1,b=2` → {"a": 1, "b": 2}; per-projection overrides of a number."""
    found: dict[str, int] = {}
    for item in env_list(name, []):
        key, sep, value = item.partition("=")
        if not sep or not value.strip().isdigit():
            raise ValueError(
                f"environment variable {name} must look like name=N,name=N, "
                f"got {item!r}"
            )
        found[key.strip()] = int(value)
    return found
