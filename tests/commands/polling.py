"""Polling helpers: wait for a condition with a deadline, never a fixed sleep."""

import time
from collections.abc import Callable, Collection
from typing import TypeVar

from commands.outbox import OutboxBatch, read_after

T = TypeVar("T")

DEADLINE_SECONDS = 30.0
POLL_SECONDS = 0.02


def poll(
    produce: Callable[[], T],
    *,
    until: Callable[[T], bool],
    what: str,
    deadline: float = DEADLINE_SECONDS,
) -> T:
    """Call `produce` until `until(result)`; fail the test after `deadline` seconds."""
    give_up = time.monotonic() + deadline
    while True:
        result = produce()
        if until(result):
            return result
        if time.monotonic() > give_up:
            raise AssertionError(f"timed out after {deadline}s waiting for {what}")
        time.sleep(POLL_SECONDS)


def read_past(
    txid: int,
    *,
    after: tuple[int, int] | None = None,
    limit: int = 1000,
    shards: Collection[int] | None = None,
) -> OutboxBatch:
    """`read_after` once its horizon has passed `txid`.

    The horizon is the xmin of the whole PostgreSQL cluster, so a transaction open
    in another test database (tests run in parallel) can hold it back for a moment.
    """
    return poll(
        lambda: read_after(after=after, limit=limit, shards=shards),
        until=lambda batch: batch.horizon > txid,
        what=f"the outbox horizon to pass txid {txid}",
    )
