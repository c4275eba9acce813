"""Polling helpers: wait for a condition with a deadline, never a fixed sleep."""

import time
from collections.abc import Callable, Collection
from typing import TypeVar

from commands.outbox import OutboxBatch, ReadPosition, read_batch
from projections.visibility import TxSnapshot

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
    position: ReadPosition | None = None,
    limit: int = 1000,
    shards: Collection[int] | None = None,
) -> OutboxBatch:
    """One `read_batch` from `position` whose pair takes in transaction `txid`.

    Succeeds on the first read: `txid` has committed (or rolled back), so any
    snapshot taken now sees it, whatever else runs on the server.
    """
    return poll(
        lambda: read_batch(
            position=position or ReadPosition(), limit=limit, shards=shards
        ),
        until=lambda batch: TxSnapshot.parse(batch.target).sees(txid),
        what=f"a batch whose snapshot sees txid {txid}",
        deadline=1.0,
    )
