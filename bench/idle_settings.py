"""The write role with Dramatiq's stock polling `RedisBroker`: `idle_bench.py`'s baseline."""

from config.settings.write import *  # noqa: F403
from config.settings.write import DRAMATIQ_BROKER

DRAMATIQ_BROKER = {
    **DRAMATIQ_BROKER,
    "BROKER": "dramatiq.brokers.redis.RedisBroker",
    "OPTIONS": {
        key: value
        for key, value in DRAMATIQ_BROKER["OPTIONS"].items()
        if key != "wake_timeout_ms"
    },
}
