"""The write role as the test suite runs it."""

import os

os.environ.setdefault("CQRS_NAMESPACE", "test")
# Most tests run no worker; the heartbeat tests turn the requirement on.
os.environ.setdefault("CQRS_READY_REQUIRE_WORKER", "0")

from config.settings.write import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests never run collectstatic; without a root, WhiteNoise serves nothing and stays quiet.
STATIC_ROOT = None
