"""Read-your-writes: wait (bounded) until projections pass a write's token."""

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from readapi.errors import InvalidParameters
from readapi.queries.watermarks import lowest_watermark

HEADER = "X-Consistency-Token"
TOKEN = re.compile(r"[0-9]{1,20}")
FIRST_POLL = 0.005
LONGEST_POLL = 0.05


@dataclass(frozen=True)
class Freshness:
    """Whether the read models had passed the token, and by how many txids not."""

    fresh: bool
    lag: int


def parse_token(raw: str) -> int:
    """The txid a write returned; a 400 naming the header when malformed."""
    if not TOKEN.fullmatch(raw.strip()):
        message = "Send back the X-Consistency-Token of a write: a whole number."
        raise InvalidParameters({HEADER: [message]}, code="invalid_consistency_token")
    return int(raw)


def await_token(*, token: int, projections: Sequence[str]) -> Freshness:
    """Poll the watermarks until every projection passed `token`, or time runs out."""
    deadline = time.monotonic() + float(settings.CQRS["READ_CONSISTENCY_WAIT"])
    pause = FIRST_POLL
    while True:
        watermark = lowest_watermark(projections)
        if watermark > token:
            return Freshness(fresh=True, lag=0)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Freshness(fresh=False, lag=token - watermark + 1)
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, LONGEST_POLL)
