"""The read role: the read API over OpenSearch and Redis (port 8001), with no database."""

from typing import Any

from config.settings.base import *  # noqa: F403
from config.settings.base import CQRS
from config.settings.env import env_int, env_str

ROLE = "read"

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_prometheus",
    "health_check",
    "readapi",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.request_ids.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag (hash of the body) and 304 on If-None-Match for every GET.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The docs page must not be framed by another site.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls_read"
WSGI_APPLICATION = "config.wsgi_read.application"

# Deliberately empty: the read role must never open a PostgreSQL connection.
DATABASES: dict[str, dict[str, Any]] = {}

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "EXCEPTION_HANDLER": "readapi.errors.exception_handler",
    # `format` is not a parameter of this API: an unknown parameter is a 400.
    "URL_FORMAT_OVERRIDE": None,
}

CQRS = {
    **CQRS,
    # Per API key, fixed window: "<count>/<s|min|hour>".
    "READ_RATE": env_str("CQRS_READ_RATE", "600/min"),
    # Cache-Control max-age of successful reads, in seconds.
    "READ_MAX_AGE": env_int("CQRS_READ_MAX_AGE", 2),
    # How long a relevance walk's point in time lives between two pages.
    "READ_SNAPSHOT_KEEP_ALIVE": env_str("CQRS_READ_SNAPSHOT_KEEP_ALIVE", "2m"),
}

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "CQRS read API",
    "DESCRIPTION": "Read models served from OpenSearch and Redis; never touches PostgreSQL.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
}
