"""Settings shared by every role. Every deployment knob comes from the environment."""

from pathlib import Path
from typing import Any

from config.settings.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "local-development-only-not-a-secret")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"]
)

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"

# Tunables of the platform, grouped the way REST_FRAMEWORK groups DRF's.
CQRS: dict[str, Any] = {
    # Prefix of every OpenSearch index/alias, Redis key and broker queue this
    # deployment owns; lets tests, the demo and a developer's instance share services.
    "NAMESPACE": env_str("CQRS_NAMESPACE", "cqrs"),
    "OPENSEARCH_URL": env_str(
        "OPENSEARCH_URL", f"http://127.0.0.1:{env_int('OPENSEARCH_PORT', 9209)}"
    ),
    "OPENSEARCH_USERNAME": env_str("OPENSEARCH_USERNAME", ""),
    "OPENSEARCH_PASSWORD": env_str("OPENSEARCH_PASSWORD", ""),
    "OPENSEARCH_VERIFY_CERTS": env_bool("OPENSEARCH_VERIFY_CERTS", True),
    "OPENSEARCH_TIMEOUT": env_float("OPENSEARCH_TIMEOUT", 10.0),
    "REDIS_URL": env_str(
        "REDIS_URL", f"redis://127.0.0.1:{env_int('REDIS_PORT', 63790)}/0"
    ),
    "READ_CONSISTENCY_WAIT": env_float("CQRS_READ_CONSISTENCY_WAIT", 2.0),
    # Projection engine (see projections/README.md).
    "SEGMENTS": env_int("CQRS_SEGMENTS", 4),
    "SEGMENTS_BY_PROJECTION": {},
    "BATCH_SIZE": env_int("CQRS_BATCH_SIZE", 500),
    "LOAD_CHUNK": env_int("CQRS_LOAD_CHUNK", 500),
    "RUN_SECONDS": env_float("CQRS_RUN_SECONDS", 10.0),
    "RUN_MAX_BATCHES": env_int("CQRS_RUN_MAX_BATCHES", 200),
    "LEASE_SECONDS": env_float("CQRS_LEASE_SECONDS", 30.0),
    "STORE_RETRY_SECONDS": env_float("CQRS_STORE_RETRY_SECONDS", 20.0),
    "STORE_BACKOFF_MAX": env_float("CQRS_STORE_BACKOFF_MAX", 2.0),
    "WAKE_DEDUPE_MS": env_int("CQRS_WAKE_DEDUPE_MS", 10_000),
    "TICK_SECONDS": env_float("CQRS_TICK_SECONDS", 2.0),
    "STALL_SECONDS": env_float("CQRS_STALL_SECONDS", 60.0),
}

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "opensearch": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}
