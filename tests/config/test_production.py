"""Production settings: a bad secret stops start-up naming it; check --deploy is clean.

Each case loads the settings in a fresh process, the way gunicorn or a worker
would, so nothing of this test session's settings leaks in.
"""

import os
import re
import subprocess
import sys

import pytest

from config.settings import startup_checks
from tests.processes import ROOT

# Variables of the surrounding (test) session that must not leak in.
_FOREIGN = re.compile(r"^(DJANGO_|CQRS_|PG|REDIS_|OPENSEARCH_|DRAMATIQ_)")

GOOD = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "pr0duction-" + "k3y-" * 12,
    "PGPASSWORD": "a-real-database-password",
    "REDIS_URL": "rediss://cqrs:a-real-redis-password@redis.internal:6380/0",
}


def run_manage(*args: str, **env: str | None) -> subprocess.CompletedProcess[str]:
    merged = {k: v for k, v in os.environ.items() if not _FOREIGN.match(k)}
    merged.update(GOOD)
    for name, value in env.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=merged,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is not set"),
        ({"DJANGO_SECRET_KEY": " "}, "DJANGO_SECRET_KEY is empty"),
        (
            {"DJANGO_SECRET_KEY": "local-development-only-not-a-secret"},
            "DJANGO_SECRET_KEY is still the development default",
        ),
        ({"PGPASSWORD": None}, "PGPASSWORD is not set"),
        ({"PGPASSWORD": "cqrs"}, "PGPASSWORD is still the development default"),
        ({"REDIS_URL": None}, "REDIS_URL is not set"),
        ({"REDIS_URL": "redis://10.218.0.5:6379/0"}, "REDIS_URL has no password"),
        (
            {"REDIS_URL": "redis://:cqrs@10.218.0.5:6379/0"},
            "REDIS_URL still carries the development password",
        ),
        (
            {"DRAMATIQ_BROKER_URL": "redis://10.218.0.5:6379/1"},
            "DRAMATIQ_BROKER_URL has no password",
        ),
        (
            {"OPENSEARCH_USERNAME": "cqrs", "OPENSEARCH_PASSWORD": None},
            "OPENSEARCH_PASSWORD is not set",
        ),
        (
            {"OPENSEARCH_CA_CERTS": "/nonexistent/ca.pem"},
            "OPENSEARCH_CA_CERTS names '/nonexistent/ca.pem', which is not a file",
        ),
        (
            {"CQRS_METRICS_BIND": "10.218.0.5", "CQRS_METRICS_TOKEN": ""},
            "CQRS_METRICS_BIND is 10.218.0.5, reachable from other hosts, and "
            "CQRS_METRICS_TOKEN is empty",
        ),
    ],
)
def test_production_settings_refuse_to_start_naming_the_bad_secret(env, named):
    result = run_manage("check", **env)

    assert result.returncode != 0
    assert f"InsecureSetting: {named}" in result.stderr


def test_production_read_role_needs_no_database_password():
    result = run_manage("check", CQRS_ROLE="read", PGPASSWORD=None)

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("role", ["write", "read"])
def test_production_check_deploy_is_clean(role):
    result = run_manage("check", "--deploy", "--fail-level", "DEBUG", CQRS_ROLE=role)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_seed_demo_refuses_default_credentials():
    result = run_manage("seed_demo", "--products", "1")

    assert result.returncode != 0
    assert "refuses to run with config.settings.production" in result.stderr


def test_settings_pgsslmode_verify_full_reaches_the_driver():
    """verify-full refuses a server that cannot prove itself (ours has no TLS)."""
    result = run_manage(
        "shell",
        "-c",
        "from django.db import connection; connection.ensure_connection()",
        DJANGO_SETTINGS_MODULE="config.settings.write",
        PGPORT=os.environ.get("PGPORT", "54329"),
        PGSSLMODE="verify-full",
        PGSSLROOTCERT=str(ROOT / "README.md"),
    )

    assert result.returncode != 0
    assert "SSL" in result.stderr


@pytest.mark.parametrize(
    ("bind", "token"),
    [("127.0.0.1", ""), ("::1", ""), ("localhost", ""), ("10.218.0.5", "s3cret")],
)
def test_production_metrics_need_a_token_only_beyond_loopback(bind, token):
    startup_checks.require_metrics_token(bind=bind, token=token)


def test_production_metrics_on_a_host_address_without_a_token_is_refused():
    with pytest.raises(startup_checks.InsecureSetting, match="CQRS_METRICS_TOKEN"):
        startup_checks.require_metrics_token(bind="10.218.0.5", token=" ")
