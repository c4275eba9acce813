"""Read-your-writes: wait (bounded) until projections pass a write's token."""

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from projections import naming
from projections.visibility import lag
from readapi.errors import InvalidParameters
from readapi.queries.read_models import OPENSEARCH
from readapi.queries.search import make_searchable
from readapi.queries.watermarks import lowest_watermark

HEADER = "X-Consistency-Token"
TOKEN = re.compile(r"[0-9]{1,20}")
FIRST_POLL = 0.005
LONGEST_POLL = 0.05


@dataclass(frozen=True)
class Freshness:
    """Whether the read models had passed the token, and by how many txids not
    (1 when only the token's own transaction was still running for them)."""

    fresh: bool
    lag: int


def parse_token(raw: str) -> int:
    """The txid a write returned; a 400 naming the header when malformed."""
    if not TOKEN.fullmatch(raw.strip()):
        message = "Send back the X-Consistency-Token of a write: a whole number."
        raise InvalidParameters({HEADER: [message]}, code="invalid_consistency_token")
    return int(raw)


def await_token(*, token: int, projections: Sequence[str]) -> Freshness:
    """Poll the watermarks until every projection passed `token`, or time runs out.

    A projection has passed the (committed) transaction `token` when its
    watermark snapshot sees it: every event of that transaction is applied.
    An OpenSearch write is acknowledged before a periodic refresh makes it
    searchable, so a fresh answer refreshes the indices it reads first.
    """
    deadline = time.monotonic() + float(settings.CQRS["READ_CONSISTENCY_WAIT"])
    pause = FIRST_POLL
    while True:
        behind = lag(snapshot=lowest_watermark(projections), txid=token)
        if not behind:
            _make_searchable(projections)
            return Freshness(fresh=True, lag=0)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return Freshness(fresh=False, lag=behind)
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, LONGEST_POLL)


def _make_searchable(projections: Sequence[str]) -> None:
    make_searchable([naming.alias(p) for p in projections if p in OPENSEARCH])
