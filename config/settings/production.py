"""Production hardening on top of the role named by CQRS_ROLE (write or read).

Loading this module fails, naming the variable, when a secret is missing,
empty or still a development default (config/settings/startup_checks.py).
`manage.py check --deploy` is clean with it (tests/config/test_production.py).
"""

import os

from config.settings import startup_checks
from config.settings.env import (
    LOCAL_PG_PASSWORD,
    LOCAL_SECRET_KEY,
    env_bool,
    env_int,
    env_str,
)

if env_str("CQRS_ROLE", "write") == "read":
    from config.settings.read import *  # noqa: F403
else:
    from config.settings.write import *  # noqa: F403

# Never print or write the demo's credentials (seed_demo, `make credentials`).
CQRS = {**CQRS, "SHOW_DEMO_CREDENTIALS": False}  # noqa: F405

SECRET_KEY = startup_checks.require_secret(
    "DJANGO_SECRET_KEY", insecure={LOCAL_SECRET_KEY}
)
startup_checks.require_redis_password("REDIS_URL")
if "DRAMATIQ_BROKER_URL" in os.environ:
    startup_checks.require_redis_password("DRAMATIQ_BROKER_URL")
if ROLE == "write":  # noqa: F405
    startup_checks.require_secret("PGPASSWORD", insecure={LOCAL_PG_PASSWORD})
if CQRS["OPENSEARCH_USERNAME"]:  # noqa: F405
    startup_checks.require_secret("OPENSEARCH_PASSWORD", insecure={"admin"})
for _ca_file in ("PGSSLROOTCERT", "REDIS_CA_CERTS", "OPENSEARCH_CA_CERTS"):
    startup_checks.require_file(_ca_file)
startup_checks.require_metrics_token(
    bind=CQRS["METRICS_BIND"],  # noqa: F405
    token=CQRS["METRICS_TOKEN"],  # noqa: F405
)

DEBUG = False
# TLS ends at the reverse proxy, which says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
# Probes and scrapers call these over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# One proxy (the ingress / load balancer) appends the client's address.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 1)
# seed_demo's demo/demo superuser and demo key are never created here.
ALLOW_DEMO_CREDENTIALS = False

if ROLE == "read":  # noqa: F405
    # The read API authenticates with API keys in a header, never cookies:
    # there is no session to forge a request with, hence no CSRF middleware.
    SILENCED_SYSTEM_CHECKS = ["security.W003"]
