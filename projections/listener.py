"""LISTEN for outbox commits and turn them into projector runs.

Notifications are wake-ups only, never data: on each burst the listener
queues a run for every segment with events waiting (deduplicated) and moves
the idle segments' horizons, and a periodic tick does the same, so a lost
notification or message only delays a projection, never stalls it. Each tick
also checks that no live read model lost its data (`projections.rebuilds.healing`).
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import dramatiq
import psycopg
import redis
from django.db import DatabaseError, close_old_connections, connection, connections

from projections import tunables
from projections.rebuilds.healing import check_and_heal
from projections.running.wakeups import WakeReport, wake_pending

logger = logging.getLogger(__name__)

CHANNEL = "cqrs_outbox"
RECONNECT_DELAY = 1.0


# While committed events wait behind an older transaction, look again after
# FIRST_RETRY seconds, doubling up to MAX_RETRY (a scan is one cheap query).
FIRST_RETRY = 0.02
MAX_RETRY = 0.25


def listen(
    *,
    stop: threading.Event,
    on_wake: Callable[[], WakeReport] = wake_pending,
    on_tick: Callable[[], object] = check_and_heal,
    tick_seconds: float | None = None,
) -> None:
    """Run until `stop` is set, reconnecting to PostgreSQL when it goes away."""
    tick = float(tunables.get("TICK_SECONDS") if tick_seconds is None else tick_seconds)
    ticker = _Ticker(on_tick=on_tick, every=tick)
    try:
        while not stop.is_set():
            _listen_once(stop=stop, on_wake=on_wake, tick=tick, ticker=ticker)
    finally:
        connections.close_all()


class _Ticker:
    """Runs `on_tick` at most every `every` seconds, in a thread of its own, so
    a store that hangs (a cut connection waits for its timeout) never delays
    wake-ups; a run still going when the next is due is not doubled."""

    def __init__(self, *, on_tick: Callable[[], object], every: float) -> None:
        self.on_tick, self.every = on_tick, every
        self.due = time.monotonic() + every
        self.thread: threading.Thread | None = None

    def maybe(self) -> None:
        if time.monotonic() < self.due or (self.thread and self.thread.is_alive()):
            return
        self.due = time.monotonic() + self.every
        self.thread = threading.Thread(
            target=self._run, name="periodic-check", daemon=True
        )
        self.thread.start()

    def _run(self) -> None:
        try:
            self.on_tick()
        except Exception:
            # Any failure (a store or the database gone, a bug) must not end
            # the listener: wake-ups go on, and the next tick tries again.
            logger.exception("periodic check failed; retrying on the next tick")
        finally:
            connections.close_all()  # this thread's own connections


def _listen_once(
    *,
    stop: threading.Event,
    on_wake: Callable[[], WakeReport],
    tick: float,
    ticker: _Ticker,
) -> None:
    try:
        with psycopg.connect(**_connection_params(), autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            logger.info("listening on %s, tick every %ss", CHANNEL, tick)
            _serve(conn=conn, stop=stop, on_wake=on_wake, tick=tick, ticker=ticker)
    except psycopg.OperationalError as exc:
        logger.warning("listener connection lost: %s; reconnecting", exc)
        stop.wait(RECONNECT_DELAY)


def _serve(
    *,
    conn: psycopg.Connection,
    stop: threading.Event,
    on_wake: Callable[[], WakeReport],
    tick: float,
    ticker: _Ticker,
) -> None:
    """Wake on NOTIFY and every tick; look again soon while events are held back.

    The first wake covers whatever committed before LISTEN took effect.
    """
    next_wake, retry = time.monotonic(), 0.0
    while not stop.is_set():
        # Short waits keep `stop` responsive; a burst is drained before waking.
        timeout = min(0.5, max(0.0, next_wake - time.monotonic()))
        notified = any(True for _ in conn.notifies(timeout=timeout, stop_after=1))
        if notified:
            for _ in conn.notifies(timeout=0.0):
                pass
        if notified or time.monotonic() >= next_wake:
            held_back = _wake(on_wake)
            retry = min(MAX_RETRY, retry * 2 or FIRST_RETRY) if held_back else 0.0
            next_wake = time.monotonic() + (retry or tick)
        ticker.maybe()


def _wake(on_wake: Callable[[], WakeReport]) -> bool:
    """Queue runs; True if committed events still wait behind an older transaction.

    A broker or database hiccup is logged and retried on the next tick.
    """
    close_old_connections()
    try:
        return on_wake().held_back
    except (redis.RedisError, dramatiq.errors.DramatiqError, DatabaseError) as exc:
        logger.warning("wake-up failed, retrying on the next tick: %s", exc)
        return False


def _connection_params() -> dict[str, Any]:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    return params
