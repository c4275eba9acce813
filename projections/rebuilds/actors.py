"""Dramatiq task running a rebuild started from the admin. Messages carry ids only."""

import logging
from functools import partial

import dramatiq
from django.db import transaction
from django.utils import timezone

from projections.errors import ProjectionError
from projections.rebuilds.models import RebuildRun, RebuildState
from projections.rebuilds.rebuild import RebuildOptions, rebuild_projection
from projections.rebuilds.rollback import rollback_projection

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


@dramatiq.actor(
    actor_name="rollback_projection",
    queue_name=QUEUE,
    max_retries=0,  # like a rebuild: a person decides whether to try again
    time_limit=SIX_HOURS_MS,
)
def rollback_projection_task(projection: str) -> None:
    """Roll `projection` back; the rollback's own `RebuildRun` records how it went."""
    try:
        rollback_projection(projection=projection)
    except ProjectionError as exc:
        logger.error("rollback of %s failed: %s", projection, exc)


def enqueue_rebuild(run: RebuildRun, *, resume: bool = False) -> None:
    rebuild_projection_task.send(run.pk, resume)


def queue_rebuild(*, projection: str, requested_by: str) -> RebuildRun:
    """A pending run of `projection`, sent to a worker once the caller commits."""
    run = RebuildRun.objects.create(projection=projection, requested_by=requested_by)
    transaction.on_commit(partial(enqueue_rebuild, run))
    return run


def refuse(*, run_id: int, reason: str) -> None:
    """Record why a queued run never started (it is failed once it has started)."""
    RebuildRun.objects.filter(pk=run_id, state=RebuildState.PENDING).update(
        state=RebuildState.FAILED,
        error=reason,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
