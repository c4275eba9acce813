"""Settings of the projector subprocesses the crash and outage tests start.

The test settings, plus engine tunables from the environment, so a test can
shorten leases and retry budgets without touching the shared settings.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import CQRS

TUNABLES = {
    "CQRS_LEASE_SECONDS": ("LEASE_SECONDS", float),
    "CQRS_WAKE_DEDUPE_MS": ("WAKE_DEDUPE_MS", int),
    "CQRS_TICK_SECONDS": ("TICK_SECONDS", float),
    "CQRS_STORE_RETRY_SECONDS": ("STORE_RETRY_SECONDS", float),
    "CQRS_RUN_SECONDS": ("RUN_SECONDS", float),
}

CQRS = {
    **CQRS,
    **{
        key: cast(os.environ[variable])
        for variable, (key, cast) in TUNABLES.items()
        if variable in os.environ
    },
}
