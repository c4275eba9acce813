"""Swap generations atomically, and delete the ones nobody can roll back to."""

import logging
import time

from django.db import transaction
from django.utils import timezone

from projections import tunables
from projections.models import (
    DeadLetter,
    GenerationState,
    ProjectionGeneration,
    SegmentCheckpoint,
)
from projections.rebuilds.targets import target_for
from projections.registry import ProjectionSpec
from projections.running import watermarks

logger = logging.getLogger(__name__)

LEASE_POLL = 0.1


def swap(*, spec: ProjectionSpec, new: ProjectionGeneration) -> str | None:
    """Make `new` live and retire the live generation; return the retired one's name.

    The states change in one transaction, and the readers' pointer (alias or
    Redis key) moves as its last step: if that request fails, the states
    roll back with it and readers stay where they were.
    """
    with transaction.atomic():
        generations = list(
            ProjectionGeneration.objects.select_for_update().filter(
                projection=spec.name
            )
        )
        old = next((g for g in generations if g.state == GenerationState.LIVE), None)
        # A lost generation (projections.lifecycle.losses) is replaced like the live one.
        lost = [g for g in generations if g.state == GenerationState.LOST]
        now = timezone.now()
        for replaced in [*lost, *([old] if old and old.pk != new.pk else [])]:
            _set_state(replaced, state=GenerationState.RETIRED, now=now)
        _set_state(new, state=GenerationState.LIVE, now=now)
        target_for(spec=spec, generation=new.generation).point_readers()
    watermarks.publish(projection=spec.name, generation=new.generation)
    logger.info("%s now serves generation %s", spec.name, new.generation)
    for generation in lost:
        # Its data is gone: nobody may roll back to it.
        delete_generation(spec=spec, generation=generation)
    return old.generation if old is not None and old.pk != new.pk else None


def _set_state(generation: ProjectionGeneration, *, state: str, now: object) -> None:
    ProjectionGeneration.objects.filter(pk=generation.pk).update(
        state=state, updated_at=now
    )
    generation.state = state


def prune(*, spec: ProjectionSpec, keep: int) -> list[str]:
    """Delete all but the `keep` most recently retired generations; return their names."""
    retired = ProjectionGeneration.objects.filter(
        projection=spec.name, state=GenerationState.RETIRED
    ).order_by("-updated_at", "-id")
    deleted = []
    for generation in list(retired[keep:]):
        if delete_generation(spec=spec, generation=generation):
            deleted.append(generation.generation)
    return deleted


def delete_generation(
    *, spec: ProjectionSpec, generation: ProjectionGeneration
) -> bool:
    """Retire, wait for its runners to leave, drop its store, then its bookkeeping.

    A run that started before the generation was retired writes on until it
    ends; deleting the index under it would let its next bulk re-create it.
    False (nothing deleted) if a runner still holds a lease after the wait.
    """
    if generation.state == GenerationState.LIVE:
        raise ValueError(f"refusing to delete the live generation {generation}")
    where = {"projection": spec.name, "generation": generation.generation}
    ProjectionGeneration.objects.filter(pk=generation.pk).update(
        state=GenerationState.RETIRED
    )
    if not _runners_gone(where=where, timeout=_lease_span()):
        logger.warning("kept %s: a runner still holds one of its segments", generation)
        return False
    target_for(spec=spec, generation=generation.generation).delete()
    with transaction.atomic():
        DeadLetter.objects.filter(**where).delete()
        SegmentCheckpoint.objects.filter(**where).delete()
        ProjectionGeneration.objects.filter(pk=generation.pk).delete()
    logger.info("deleted %s", generation)
    return True


def _runners_gone(*, where: dict[str, str], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while SegmentCheckpoint.objects.filter(
        **where, lease_expires_at__gt=timezone.now()
    ).exclude(lease_owner=""):
        if time.monotonic() > deadline:
            return False
        time.sleep(LEASE_POLL)
    return True


def _lease_span() -> float:
    """Long enough for a run in flight to end or its lease to expire."""
    return float(tunables.get("LEASE_SECONDS")) + float(tunables.get("RUN_SECONDS"))
