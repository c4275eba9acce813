"""Rebuild lost generations without staff action.

The listener calls `check_and_heal` on its tick: every live generation's
store is checked for its marker (see `projections.lifecycle.losses`; projector runs
check it too, before writing), a lost one is marked `lost`, and a rebuild is
queued for it: the same task the admin's "Add rebuild run" queues, so it is
the usual blue/green path (snapshot, catch-up, swap). Readers get 503 with
Retry-After until the swap.

`api_keys` goes first, alone: without it every consumer is locked out.

At most one heal per projection: none is queued while the projection's
rebuild lock is held (a rebuild is running) or a heal was queued less than
`HEAL_QUEUE_SECONDS` ago (a message can be lost with the broker's Redis).
"""

import logging
from datetime import timedelta

from django.utils import timezone

from projections import registry, tunables
from projections.lifecycle import losses
from projections.models import GenerationState, ProjectionGeneration
from projections.rebuilds.actors import enqueue_rebuild
from projections.rebuilds.ledger import open_ledger
from projections.rebuilds.models import RebuildKind, RebuildRun, RebuildState

logger = logging.getLogger(__name__)

HEALER = "self-healing"
# Healed before the others: consumers cannot authenticate without it.
FIRST = ("api_keys",)


def check_and_heal() -> list[str]:
    """Mark lost generations and queue their rebuilds; the projections healing.

    While a `FIRST` projection is lost, only it is rebuilt: the others would
    slow it down, and nobody can read them without it anyway.
    """
    lost = [
        generation
        for generation in current_generations()
        if generation.state == GenerationState.LOST or not losses.check(generation)
    ]
    first_lost = any(generation.projection in FIRST for generation in lost)
    for generation in lost:
        if generation.projection in FIRST or not first_lost:
            start_healing(generation.projection)
    return [generation.projection for generation in lost]


def current_generations() -> list[ProjectionGeneration]:
    """Live and lost generations, in healing order."""
    names = registry.names()
    order = {name: (name not in FIRST, i) for i, name in enumerate(names)}
    found = ProjectionGeneration.objects.filter(
        projection__in=names,
        state__in=(GenerationState.LIVE, GenerationState.LOST),
    )
    return sorted(found, key=lambda g: order[g.projection])


def start_healing(projection: str) -> RebuildRun | None:
    """Queue a rebuild of `projection` unless one is running, queued or cooling off."""
    if rebuild_running(projection) or _queued(projection) or _failed_lately(projection):
        return None
    run = RebuildRun.objects.create(projection=projection, requested_by=HEALER)
    enqueue_rebuild(run)
    logger.warning("queued rebuild run %s to heal %s", run.pk, projection)
    return run


def loss_state(projection: str) -> str:
    """`rebuilding` while a rebuild of the lost projection runs, else `lost`."""
    return "rebuilding" if rebuild_running(projection) else "lost"


def rebuild_running(projection: str) -> bool:
    """Is the projection's rebuild lock held (by a rebuild or a rollback)?"""
    with open_ledger() as ledger:
        return not ledger.try_lock(projection)  # closing the session releases it


def _queued(projection: str) -> bool:
    since = timezone.now() - timedelta(
        seconds=float(tunables.get("HEAL_QUEUE_SECONDS"))
    )
    return RebuildRun.objects.filter(
        projection=projection,
        kind=RebuildKind.REBUILD,
        state=RebuildState.PENDING,
        created_at__gte=since,
    ).exists()


def _failed_lately(projection: str) -> bool:
    since = timezone.now() - timedelta(
        seconds=float(tunables.get("HEAL_RETRY_SECONDS"))
    )
    return RebuildRun.objects.filter(
        projection=projection,
        requested_by=HEALER,
        state=RebuildState.FAILED,
        finished_at__gte=since,
    ).exists()
