"""Settings of the django-opensearch-dsl side of `rebuild_bench.py`.

The write role plus `django_opensearch_dsl` and an app whose Document
indexes `commands.Product` (see `rebuild_dsl_documents.py`), with the
library's own defaults except that signals do not sync on save.
"""

from config.settings.write import *  # noqa: F403
from config.settings.write import CQRS, INSTALLED_APPS

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "django_opensearch_dsl",
    "bench.rebuild_dsl_app.RebuildBenchDslConfig",
]
OPENSEARCH_DSL = {"default": {"hosts": [CQRS["OPENSEARCH_URL"]], "timeout": 60}}
OPENSEARCH_DSL_AUTOSYNC = False
