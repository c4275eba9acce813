"""What projector processes count: events applied, batch latency, dead letters.

Created on first use, so a process started with PROMETHEUS_MULTIPROC_DIR
writes them to that directory's files (prometheus_client multiprocess mode)
and the metrics server sums every process's values. Figures that need a
database query (lag, outbox age) are not here: the metrics server computes
them at scrape time (`projections.ops.metrics_collector`).
"""

from functools import cache

from prometheus_client import Counter, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


@cache
def events_applied() -> Counter:
    return Counter(
        "cqrs_projector_events_applied_total",
        "Outbox events a projector run passed its checkpoint over.",
        ["projection", "segment"],
    )


@cache
def batch_seconds() -> Histogram:
    return Histogram(
        "cqrs_projector_batch_seconds",
        "Time to apply one batch and advance the checkpoint.",
        ["projection"],
        buckets=LATENCY_BUCKETS,
    )


@cache
def events_parked() -> Counter:
    return Counter(
        "cqrs_projector_events_parked_total",
        "Events parked as dead letters (failed, or held behind a failed one).",
        ["projection"],
    )


def record_batch(
    *, projection: str, segment: int, events: int, parked: int, seconds: float
) -> None:
    """Count one applied batch."""
    events_applied().labels(projection, str(segment)).inc(events)
    batch_seconds().labels(projection).observe(seconds)
    if parked:
        events_parked().labels(projection).inc(parked)
