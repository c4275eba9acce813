"""Scrape-time figures read from PostgreSQL and Redis, for the metrics server only.

Lag is the one `projection_status` computes (`projections.ops.status`); the
oldest unprojected event is the oldest event any live segment still waits
for. One process (`manage.py serve_metrics`) runs these queries per scrape,
not every web or worker process.
"""

import logging
from collections.abc import Iterable, Iterator

import redis
from django.db import DatabaseError, close_old_connections, connection
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from commands.models import OutboxEvent
from projections.models import GenerationState
from projections.ops.status import SegmentStatus, projection_status
from projections.rebuilds.models import RebuildRun, RebuildState
from projections.running import workers

logger = logging.getLogger(__name__)

SEGMENT_LABELS = ["projection", "generation", "segment"]


class ProjectionCollector(Collector):
    """Lag, state, dead letters, outbox, rebuild progress and worker heartbeats."""

    def collect(self) -> Iterator[Metric]:
        close_old_connections()
        try:
            metrics = database_metrics()
            up = 1
        except DatabaseError as exc:
            # The per-process metrics are still worth a scrape; say what is missing.
            logger.warning("metrics: database figures unavailable: %s", exc)
            metrics, up = [], 0
        finally:
            connection.close()
        yield from metrics
        yield _up(
            "cqrs_metrics_database_up", "1 if lag and outbox figures were read.", up
        )
        try:
            yield workers_metric()
            yield _up("cqrs_metrics_redis_up", "1 if heartbeats were read.", 1)
        except redis.RedisError as exc:
            logger.warning("metrics: worker heartbeats unavailable: %s", exc)
            yield _up("cqrs_metrics_redis_up", "1 if heartbeats were read.", 0)


def database_metrics() -> list[Metric]:
    rows = projection_status()
    return [*segment_metrics(rows), *outbox_metrics(rows), rebuild_metric()]


def _up(name: str, doc: str, value: int) -> Metric:
    gauge = _gauge(name, doc, [])
    gauge.add_metric([], value)
    return gauge


def _gauge(name: str, doc: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=labels)


def segment_metrics(rows: Iterable[SegmentStatus]) -> list[Metric]:
    lag_events = _gauge(
        "cqrs_projection_lag_events",
        "Events a segment has yet to apply.",
        SEGMENT_LABELS,
    )
    lag_seconds = _gauge(
        "cqrs_projection_lag_seconds",
        "Age of the oldest event a segment has yet to apply (0 when caught up).",
        SEGMENT_LABELS,
    )
    dead = _gauge(
        "cqrs_projection_dead_letters", "Parked dead letters.", SEGMENT_LABELS
    )
    applied = _gauge(
        "cqrs_projection_checkpoint_events_applied",
        "Events applied by a segment's checkpoint since the generation began.",
        SEGMENT_LABELS,
    )
    state = _gauge(
        "cqrs_projection_state",
        "1 for the segment's current state (running/idle/stalled/paused/lost).",
        [*SEGMENT_LABELS, "generation_state", "state"],
    )
    for row in rows:
        labels = [row.projection, row.generation, str(row.segment)]
        lag_events.add_metric(labels, row.lag_events)
        lag_seconds.add_metric(labels, row.lag_seconds)
        dead.add_metric(labels, row.dead_letters)
        applied.add_metric(labels, row.events_applied)
        state.add_metric([*labels, row.generation_state, row.state], 1)
    return [lag_events, lag_seconds, dead, applied, state]


def outbox_metrics(rows: Iterable[SegmentStatus]) -> list[Metric]:
    live = [row for row in rows if row.generation_state == GenerationState.LIVE]
    count = _gauge("cqrs_outbox_rows", "Rows in the outbox table.", [])
    count.add_metric([], outbox_rows())
    oldest = _gauge(
        "cqrs_outbox_oldest_unprojected_seconds",
        "Age of the oldest event a live projection segment has not applied yet.",
        [],
    )
    oldest.add_metric([], max((row.lag_seconds for row in live), default=0.0))
    return [count, oldest]


def outbox_rows() -> int:
    return OutboxEvent.objects.count()


def rebuild_metric() -> Metric:
    progress = _gauge(
        "cqrs_rebuild_progress_ratio",
        "Share of rows loaded by a rebuild in progress (0..1).",
        ["projection", "generation", "stage"],
    )
    running = RebuildRun.objects.filter(
        state__in=[RebuildState.PENDING, RebuildState.RUNNING]
    )
    for run in running:
        progress.add_metric(
            [run.projection, run.generation, run.stage], run.percent / 100.0
        )
    return progress


def workers_metric() -> Metric:
    alive = _gauge(
        "cqrs_workers_alive", "Dramatiq worker processes with a fresh heartbeat.", []
    )
    alive.add_metric([], len(workers.live_workers()))
    return alive
