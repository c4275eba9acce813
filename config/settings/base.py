"""Settings shared by every role. Every deployment knob comes from the environment."""

from pathlib import Path
from typing import Any

from config.logs import logging_config
from config.settings.env import (
    LOCAL_SECRET_KEY,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_map,
    env_redis_url,
    env_str,
    local_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", LOCAL_SECRET_KEY)
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
    # Nodes of a cluster, comma separated; when set, OPENSEARCH_URL is not used.
    "OPENSEARCH_HOSTS": env_list("OPENSEARCH_HOSTS", []),
    "OPENSEARCH_USERNAME": env_str("OPENSEARCH_USERNAME", ""),
    "OPENSEARCH_PASSWORD": env_str("OPENSEARCH_PASSWORD", ""),
    "OPENSEARCH_VERIFY_CERTS": env_bool("OPENSEARCH_VERIFY_CERTS", True),
    # CA bundle an https:// OPENSEARCH_URL is verified with ("" = system CAs).
    "OPENSEARCH_CA_CERTS": env_str("OPENSEARCH_CA_CERTS", ""),
    "OPENSEARCH_TIMEOUT": env_float("OPENSEARCH_TIMEOUT", 10.0),
    # redis://[user]:password@host:port/db, or rediss:// (REDIS_CA_CERTS).
    "REDIS_URL": env_redis_url("REDIS_URL", local_redis_url()),
    "READ_CONSISTENCY_WAIT": env_float("CQRS_READ_CONSISTENCY_WAIT", 2.0),
    # seed_demo prints (and `make credentials` shows) the demo's key, token and
    # password; production settings turn it off.
    "SHOW_DEMO_CREDENTIALS": env_bool("CQRS_SHOW_DEMO_CREDENTIALS", True),
    # How long a rotated API key keeps working beside its replacement.
    "API_KEY_ROTATION_GRACE_SECONDS": env_float(
        "CQRS_API_KEY_ROTATION_GRACE_SECONDS", 86_400.0
    ),
    # Where the admin finds when each API key was last used (the read side notes
    # it; a dotted path, so the write side never imports projections).
    "API_KEY_LAST_USED": "projections.api_keys.usage.last_used",
    # Projection engine (see projections/README.md).
    "SEGMENTS": env_int("CQRS_SEGMENTS", 4),
    "SEGMENTS_BY_PROJECTION": {},
    # Shape of a new OpenSearch index (a new generation); replicas of a live
    # index can also be changed in place with PUT <alias>/_settings.
    "INDEX_SHARDS": env_int("CQRS_INDEX_SHARDS", 1),
    "INDEX_REPLICAS": env_int("CQRS_INDEX_REPLICAS", 0),
    "INDEX_SHARDS_BY_PROJECTION": env_map("CQRS_INDEX_SHARDS_BY_PROJECTION"),
    "INDEX_REPLICAS_BY_PROJECTION": env_map("CQRS_INDEX_REPLICAS_BY_PROJECTION"),
    "BATCH_SIZE": env_int("CQRS_BATCH_SIZE", 2000),
    "LOAD_CHUNK": env_int("CQRS_LOAD_CHUNK", 500),
    "RUN_SECONDS": env_float("CQRS_RUN_SECONDS", 10.0),
    "RUN_MAX_BATCHES": env_int("CQRS_RUN_MAX_BATCHES", 200),
    "LEASE_SECONDS": env_float("CQRS_LEASE_SECONDS", 30.0),
    "STORE_RETRY_SECONDS": env_float("CQRS_STORE_RETRY_SECONDS", 20.0),
    "STORE_BACKOFF_MAX": env_float("CQRS_STORE_BACKOFF_MAX", 2.0),
    "WAKE_DEDUPE_MS": env_int("CQRS_WAKE_DEDUPE_MS", 10_000),
    "TICK_SECONDS": env_float("CQRS_TICK_SECONDS", 2.0),
    "STALL_SECONDS": env_float("CQRS_STALL_SECONDS", 60.0),
    # Product search (projections/products/analysis.py): read when an index is
    # created, so `rebuild_projection products` applies a change.
    "SEARCH_LANGUAGE": env_str("CQRS_SEARCH_LANGUAGE", "english"),
    "SEARCH_SYNONYMS_FILE": env_str(
        "CQRS_SEARCH_SYNONYMS_FILE",
        str(BASE_DIR / "config" / "search" / "synonyms.txt"),
    ),
    # Self-healing (projections/rebuilds/healing.py): a queued heal not started after
    # HEAL_QUEUE_SECONDS is queued again; a failed one is retried after
    # HEAL_RETRY_SECONDS.
    "HEAL_QUEUE_SECONDS": env_float("CQRS_HEAL_QUEUE_SECONDS", 60.0),
    "HEAL_RETRY_SECONDS": env_float("CQRS_HEAL_RETRY_SECONDS", 30.0),
    # Observability (README "Metrics, logs and health"). Each Dramatiq worker
    # process refreshes a Redis key every WORKER_HEARTBEAT_SECONDS that lives
    # WORKER_HEARTBEAT_TTL seconds; the write role's /readyz fails without one
    # (READY_REQUIRE_WORKER) and when a live projection lags more than
    # READY_MAX_LAG_SECONDS (0: lag never fails readiness).
    "WORKER_HEARTBEAT_SECONDS": env_float("CQRS_WORKER_HEARTBEAT_SECONDS", 5.0),
    "WORKER_HEARTBEAT_TTL": env_float("CQRS_WORKER_HEARTBEAT_TTL", 20.0),
    "READY_REQUIRE_WORKER": env_bool("CQRS_READY_REQUIRE_WORKER", True),
    "READY_MAX_LAG_SECONDS": env_float("CQRS_READY_MAX_LAG_SECONDS", 0.0),
    # The metrics server (`manage.py serve_metrics`): its own bind and port,
    # never the read API's; with a token, scrapes must send `Bearer <token>`.
    "METRICS_BIND": env_str("CQRS_METRICS_BIND", "127.0.0.1"),
    "METRICS_PORT": env_int("CQRS_METRICS_PORT", 9108),
    "METRICS_TOKEN": env_str("CQRS_METRICS_TOKEN", ""),
    # One folder per role (read, write, worker) of multiprocess metric files;
    # each launcher points PROMETHEUS_MULTIPROC_DIR at its role's folder.
    "METRICS_DIR": env_str(
        "CQRS_METRICS_DIR",
        str(Path(env_str("CQRS_HOME", str(BASE_DIR / ".local"))) / "metrics"),
    ),
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

# JSON lines on every process; CQRS_LOG_FORMAT=plain for local reading.
LOGGING: dict[str, Any] = logging_config(level=env_str("LOG_LEVEL", "INFO"))
