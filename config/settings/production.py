"""Production hardening on top of the role named by CQRS_ROLE (write or read)."""

import os

from config.settings.env import env_bool, env_str

if env_str("CQRS_ROLE", "write") == "read":
    from config.settings.read import *  # noqa: F403
else:
    from config.settings.write import *  # noqa: F403

if "DJANGO_SECRET_KEY" not in os.environ:
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
