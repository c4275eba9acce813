"""The engine's knobs, read from `settings.CQRS` at call time with defaults."""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Segments of a new generation (a live generation keeps its own count).
    "SEGMENTS": 4,
    # Per-projection override, e.g. {"products": 8}.
    "SEGMENTS_BY_PROJECTION": {},
    # Outbox events read per batch.
    "BATCH_SIZE": 500,
    # Documents loaded from the write model and written per store round trip.
    "LOAD_CHUNK": 500,
    # A run stops after this long or this many batches and re-enqueues itself.
    "RUN_SECONDS": 10.0,
    "RUN_MAX_BATCHES": 200,
    # A segment lease lasts this long unless renewed; a SIGKILLed runner's
    # segment is taken over after it expires.
    "LEASE_SECONDS": 30.0,
    # How long a store outage (429, 5xx, connection errors) is retried within
    # a run before the run gives up without advancing, and the backoff cap.
    "STORE_RETRY_SECONDS": 20.0,
    "STORE_BACKOFF_MAX": 2.0,
    # One queued wake-up message per segment within this window.
    "WAKE_DEDUPE_MS": 10_000,
    # The listener enqueues every segment this often even without NOTIFY.
    "TICK_SECONDS": 2.0,
    # A segment with waiting events whose checkpoint has not moved for this
    # long is reported as stalled.
    "STALL_SECONDS": 60.0,
}


def get(name: str) -> Any:
    """The value of tunable `name` from settings.CQRS, else its default."""
    return settings.CQRS.get(name, DEFAULTS[name])


def segments_for(projection: str) -> int:
    """Segment count a new generation of `projection` is created with."""
    overrides = get("SEGMENTS_BY_PROJECTION") or {}
    return int(overrides.get(projection, get("SEGMENTS")))
