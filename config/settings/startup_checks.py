"""Checks production settings run while they load: a bad secret stops start-up.

Each error names the environment variable to fix. They raise
ImproperlyConfigured, so manage.py, gunicorn and the workers all refuse to
start rather than run with a guessable credential.
"""

import ipaddress
import os
from collections.abc import Collection
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.settings.env import LOCAL_REDIS_PASSWORD


class InsecureSetting(ImproperlyConfigured):
    """A secret is missing, empty or a known default, or a CA file is absent."""


def require_secret(name: str, *, insecure: Collection[str] = ()) -> str:
    """The value of environment variable `name`, which must be a real secret."""
    value = os.environ.get(name)
    if value is None:
        raise InsecureSetting(f"{name} is not set; production settings need it.")
    if not value.strip():
        raise InsecureSetting(f"{name} is empty; set it to a secret value.")
    if value in insecure:
        raise InsecureSetting(
            f"{name} is still the development default; set a secret value."
        )
    return value


def require_redis_password(name: str) -> str:
    """The Redis URL in `name`, which must carry a non-default password."""
    url = require_secret(name)
    password = urlsplit(url).password
    if not password:
        raise InsecureSetting(
            f"{name} has no password; use redis://[user]:PASSWORD@host:port/db "
            "(or rediss:// for TLS)."
        )
    if unquote(password) == LOCAL_REDIS_PASSWORD:
        raise InsecureSetting(
            f"{name} still carries the development password; set a secret one."
        )
    return url


def require_file(name: str) -> None:
    """When environment variable `name` is set, it must name a readable file."""
    path = os.environ.get(name, "")
    if path and not Path(path).is_file():
        raise InsecureSetting(f"{name} names {path!r}, which is not a file.")


def require_metrics_token(*, bind: str, token: str) -> None:
    """Metrics served beyond this host must ask for a token (loopback needs none)."""
    if token.strip() or _loopback(bind):
        return
    raise InsecureSetting(
        f"CQRS_METRICS_BIND is {bind}, reachable from other hosts, and "
        "CQRS_METRICS_TOKEN is empty; set a token (scrapers send it as "
        "'Authorization: Bearer <token>') or bind to 127.0.0.1."
    )


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False
