"""Per-key request quotas kept in Redis, so every worker process shares them."""

import re
import time
from functools import cache

from django.conf import settings
from redis.commands.core import Script
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from config import connections
from projections import naming
from readapi.auth import ApiClient

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
}

# Count this request in the current fixed window; the window key expires with it.
COUNT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count
"""


class ImproperRate(ValueError):
    """CQRS["READ_RATE"] is not like "600/min"."""


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/min" -> (600 requests, 60 seconds)."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*([a-z]+)\s*", rate)
    if match is None or match.group(2) not in PERIODS:
        raise ImproperRate(f"READ_RATE must look like '600/min', not {rate!r}")
    return int(match.group(1)), PERIODS[match.group(2)]


class ApiKeyRateThrottle(BaseThrottle):
    """A fixed window per key, at the rate in `CQRS["READ_RATE"]`."""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def allow_request(self, request: Request, view: APIView) -> bool:
        client = request.user
        if not isinstance(client, ApiClient):
            return True
        limit, period = parse_rate(str(settings.CQRS.get("READ_RATE", "600/min")))
        now = time.time()
        window = int(now // period)
        key = f"{naming.namespace()}:throttle:{client.key.key_hash}:{window}"
        count = _script()(keys=[key], args=[period], client=connections.redis_client())
        if int(count) <= limit:
            return True
        self.retry_after = (window + 1) * period - now
        return False

    def wait(self) -> float | None:
        return self.retry_after


@cache
def _script() -> Script:
    return connections.redis_client().register_script(COUNT)
