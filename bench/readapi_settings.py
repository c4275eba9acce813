"""Settings of the two servers `readapi_bench.py` compares, picked by READAPI_BENCH_SERVER.

- `read` (default): the real read role, plus a plain JsonResponse view at
  /bench/plain-products doing the same OpenSearch call as GET /v1/products.
- `offset`: a DRF ListAPIView with LimitOffsetPagination over a PostgreSQL table
  holding the same products, the classic offset-paginated alternative.
"""

import os

from config.settings.env import env_int, env_str
from config.settings.read import *  # noqa: F403

ROOT_URLCONF = "bench.readapi_urls"
BENCH_SERVER = os.environ.get("READAPI_BENCH_SERVER", "read")

if BENCH_SERVER == "offset":
    INSTALLED_APPS = [  # noqa: F405
        "django.contrib.contenttypes",
        "rest_framework",
        "readapi",
    ]
    MIDDLEWARE = [
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.common.CommonMiddleware",
    ]
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": env_str("PGHOST", "127.0.0.1"),
            "PORT": env_int("PGPORT", 54329),
            "NAME": env_str("READAPI_BENCH_DATABASE", "readapi_bench"),
            "USER": env_str("PGUSER", "cqrs"),
            "PASSWORD": env_str("PGPASSWORD", "cqrs"),
            "CONN_MAX_AGE": 60,
        }
    }
    REST_FRAMEWORK = {
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
        "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
        "PAGE_SIZE": 20,
    }
