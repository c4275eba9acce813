"""Jittered exponential backoff bounded by a deadline, for store outages."""

import random
import time
from collections.abc import Callable

from projections import tunables
from projections.errors import StoreUnavailable


class Backoff:
    """Waits longer after each failure; raises `StoreUnavailable` past the deadline.

    `keepalive` runs before every wait, so a runner can renew its segment lease
    while it waits out an outage.
    """

    def __init__(
        self,
        *,
        what: str,
        keepalive: Callable[[], None] | None = None,
        budget: float | None = None,
    ) -> None:
        self.what = what
        self.keepalive = keepalive
        self.deadline = time.monotonic() + (
            tunables.get("STORE_RETRY_SECONDS") if budget is None else budget
        )
        self.cap = float(tunables.get("STORE_BACKOFF_MAX"))
        self.attempt = 0

    def wait(self, reason: str) -> None:
        """Sleep before the next attempt, or give up if the budget is spent."""
        delay = min(self.cap, 0.05 * 2**self.attempt) * random.uniform(0.5, 1.0)
        self.attempt += 1
        if time.monotonic() + delay > self.deadline:
            raise StoreUnavailable(
                f"{self.what} still failing after {self.attempt} attempts: {reason}"
            )
        if self.keepalive is not None:
            self.keepalive()
        time.sleep(delay)
