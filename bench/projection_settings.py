"""Settings of the projection benchmark's worker and listener processes:
the write role, plus engine tunables from the environment."""

import os

from config.settings.write import *  # noqa: F403
from config.settings.write import CQRS

TUNABLES = {
    "CQRS_BATCH_SIZE": ("BATCH_SIZE", int),
    "CQRS_LOAD_CHUNK": ("LOAD_CHUNK", int),
    "CQRS_SEGMENTS": ("SEGMENTS", int),
}

CQRS = {
    **CQRS,
    **{
        key: cast(os.environ[variable])
        for variable, (key, cast) in TUNABLES.items()
        if variable in os.environ
    },
}
