"""Dramatiq actors of the projection engine. Messages carry names, never data."""

import logging

import dramatiq

from projections.errors import LeaseLost
from projections.running import engine, wake_dedupe

logger = logging.getLogger(__name__)

QUEUE = "projections"


@dramatiq.actor(
    actor_name="project_segment",
    queue_name=QUEUE,
    max_retries=5,
    min_backoff=1_000,
    max_backoff=30_000,
    time_limit=300_000,
)
def project_segment(
    projection: str, segment: int, generation: str | None = None
) -> None:
    """Run one segment of a projection; re-enqueue itself while work remains."""
    wake_dedupe.clear(
        wake_dedupe.wake_key(
            projection=projection, generation=generation or "live", segment=segment
        )
    )
    try:
        report = engine.run_segment(
            projection=projection, segment=segment, generation=generation
        )
    except LeaseLost as exc:
        # Another runner owns the segment now and carries on from its checkpoint.
        logger.warning("%s", exc)
        return
    if report.events or report.parked:
        logger.debug("%s", report)
    if report.more:
        send_deduplicated(projection=projection, segment=segment, generation=generation)


def send_deduplicated(*, projection: str, segment: int, generation: str | None) -> bool:
    """Queue a run of the segment unless one is already queued."""
    key = wake_dedupe.wake_key(
        projection=projection, generation=generation or "live", segment=segment
    )
    if not wake_dedupe.reserve_many([key])[0]:
        return False
    project_segment.send(projection, segment, generation)
    return True
