"""Dramatiq task running a rebuild started from the admin. Messages carry ids only."""

import logging

import dramatiq
from django.utils import timezone

from projections.errors import ProjectionError
from projections.rebuild_models import RebuildRun, RebuildState
from projections.rebuilds.rebuild import RebuildOptions, rebuild_projection

logger = logging.getLogger(__name__)

QUEUE = "rebuilds"
SIX_HOURS_MS = 6 * 3600 * 1000


@dramatiq.actor(
    actor_name="rebuild_projection",
    queue_name=QUEUE,
    max_retries=0,  # a failed run is resumed by a person, from the admin
    time_limit=SIX_HOURS_MS,
)
def rebuild_projection_task(run_id: int, resume: bool = False) -> None:
    """Carry out the rebuild the `RebuildRun` `run_id` asks for."""
    run = RebuildRun.objects.get(pk=run_id)
    options = RebuildOptions(batch_size=run.batch_size, keep=run.keep, resume=resume)
    try:
        rebuild_projection(
            projection=run.projection,
            options=options,
            run_id=run.pk,
            requested_by=run.requested_by,
        )
    except ProjectionError as exc:
        refuse(run_id=run_id, reason=str(exc))
        logger.error("rebuild run %s of %s failed: %s", run_id, run.projection, exc)


def enqueue_rebuild(run: RebuildRun, *, resume: bool = False) -> None:
    rebuild_projection_task.send(run.pk, resume)


def refuse(*, run_id: int, reason: str) -> None:
    """Record why a queued run never started (it is failed once it has started)."""
    RebuildRun.objects.filter(pk=run_id, state=RebuildState.PENDING).update(
        state=RebuildState.FAILED,
        error=reason,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
