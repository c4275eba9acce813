"""The write role: Django admin and the write API on PostgreSQL (port 8000)."""

from typing import Any

from config.settings.base import *  # noqa: F403
from config.settings.base import CQRS
from config.settings.env import env_bool, env_int, env_str

ROLE = "write"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
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
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

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
        "PASSWORD": env_str("PGPASSWORD", "cqrs"),
        "CONN_MAX_AGE": env_int("PG_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"sslmode": env_str("PGSSLMODE", "prefer")},
        "TEST": {"NAME": env_str("PGTESTDATABASE", f"test_{CQRS['NAMESPACE']}")},
    }
}

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
}

DRAMATIQ_BROKER: dict[str, Any] = {
    "BROKER": "dramatiq.brokers.redis.RedisBroker",
    "OPTIONS": {
        "url": env_str("DRAMATIQ_BROKER_URL", CQRS["REDIS_URL"]),
        "namespace": f"{CQRS['NAMESPACE']}-dramatiq",
    },
    "MIDDLEWARE": [
        "dramatiq.middleware.AgeLimit",
        "dramatiq.middleware.TimeLimit",
        "dramatiq.middleware.Callbacks",
        "dramatiq.middleware.Retries",
        "django_dramatiq.middleware.DbConnectionsMiddleware",
    ],
}
DRAMATIQ_AUTODISCOVER_MODULES = ["actors", "heartbeat", "rebuild_actors"]

SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
