"""The write role: Django admin and the write API on PostgreSQL (port 8000)."""

import os
from datetime import timedelta
from typing import Any

from config.settings.base import *  # noqa: F403
from config.settings.base import CQRS
from config.settings.env import (
    LOCAL_PG_PASSWORD,
    env_bool,
    env_int,
    env_redis_url,
    env_str,
)

ROLE = "write"

INSTALLED_APPS = [
    "django.contrib.admin",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_dramatiq",
    "django_prometheus",
    "health_check",
    "commands",
    "projections",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "commands.middleware.CorrelationIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost, so it sees a view's database error first: 503, not a 500 page.
    "commands.outage.DatabaseOutageMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

# Admin login throttling (django-axes): the AXES_FAILURE_LIMIT-th (6th) wrong password
# for one username from one client locks that pair out for the cool-off;
# a successful login resets the count. Client IPs come from X-Forwarded-For
# only behind DJANGO_TRUSTED_PROXY_COUNT trusted proxies (config/client_ip.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 6)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# No start-up banner on every manage.py command (it broke clean stderr).
AXES_VERBOSE = False
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

TEMPLATES[0]["OPTIONS"]["context_processors"] += [  # noqa: F405
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
]

ROOT_URLCONF = "config.urls_write"
WSGI_APPLICATION = "config.wsgi_write.application"

DATABASES: dict[str, dict[str, Any]] = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": env_str("PGHOST", "127.0.0.1"),
        "PORT": env_int("PGPORT", 54329),
        "NAME": env_str("PGDATABASE", "cqrs"),
        "USER": env_str("PGUSER", "cqrs"),
        "PASSWORD": env_str("PGPASSWORD", LOCAL_PG_PASSWORD),
        "CONN_MAX_AGE": env_int("PG_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # verify-full + PGSSLROOTCERT: encrypted, and the server proven.
            "sslmode": env_str("PGSSLMODE", "prefer"),
            # A connection attempt to a restarting server can hang (psycopg waits
            # 130 s by default): fail fast instead, and let the caller retry.
            "connect_timeout": env_int("PG_CONNECT_TIMEOUT", 5),
            # A server that vanished without closing the connection (a cut link,
            # a host gone) would leave a query waiting for its answer forever:
            # TCP keepalives find the dead peer within about a minute.
            "keepalives": 1,
            "keepalives_idle": 30,
            "keepalives_interval": 10,
            "keepalives_count": 3,
        },
        "TEST": {"NAME": env_str("PGTESTDATABASE", f"test_{CQRS['NAMESPACE']}")},
    }
}

if env_str("PGSSLROOTCERT", ""):
    DATABASES["default"]["OPTIONS"]["sslrootcert"] = env_str("PGSSLROOTCERT", "")

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "commands.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "commands.api.schema.WriteAutoSchema",
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "CQRS write API",
    "DESCRIPTION": (
        "Staff writes on PostgreSQL, each a command with its outbox events in one "
        "transaction. Authenticate with `Authorization: Token <key>` (a staff user's "
        "DRF token). Every write answers with the aggregate's full state, an `ETag` "
        "(its version) and an `X-Consistency-Token` to read your write on the read "
        "API. Every error has one shape: "
        '`{"error": {"code": "...", "message": "...", "fields": {...}}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
    "DEFAULT_GENERATOR_CLASS": "commands.api.schema.WriteSchemaGenerator",
}

# Dramatiq's Redis broker, plus wake tokens: an idle consumer blocks on BLPOP for
# up to DRAMATIQ_WAKE_TIMEOUT_MS instead of polling (config/waking_broker.py).
DRAMATIQ_BROKER: dict[str, Any] = {
    "BROKER": "config.waking_broker.WakingRedisBroker",
    "OPTIONS": {
        "url": env_redis_url("DRAMATIQ_BROKER_URL", CQRS["REDIS_URL"]),
        "namespace": f"{CQRS['NAMESPACE']}-dramatiq",
        "wake_timeout_ms": env_int("DRAMATIQ_WAKE_TIMEOUT_MS", 1000),
    },
    "MIDDLEWARE": [
        "dramatiq.middleware.AgeLimit",
        "dramatiq.middleware.TimeLimit",
        "dramatiq.middleware.Callbacks",
        "dramatiq.middleware.Retries",
        "django_dramatiq.middleware.DbConnectionsMiddleware",
        "config.worker_process.ParentDeathSignal",
        "projections.running.workers.WorkerHeartbeat",
        # Dramatiq's own metrics, when this process keeps metrics files.
        *(
            ["config.worker_process.WorkerMetrics"]
            if os.environ.get("PROMETHEUS_MULTIPROC_DIR")
            else []
        ),
    ],
}
DRAMATIQ_AUTODISCOVER_MODULES = ["actors", "running.heartbeat", "rebuilds.actors"]

# seed_demo may create its demo/demo superuser and demo API key (never in
# production settings, which turn this off).
ALLOW_DEMO_CREDENTIALS = True

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
