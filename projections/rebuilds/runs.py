"""The life of a `RebuildRun` row: begin, resume, abandon, fail, succeed.

Callers hold the projection's rebuild lock, so any run still marked running
belongs to a process that died.
"""

import traceback

from django.db import transaction
from django.utils import timezone

from projections import tunables
from projections.lifecycle.generations import FIRST_GENERATION
from projections.models import GenerationState, ProjectionGeneration
from projections.rebuilds.errors import NothingToResume
from projections.rebuilds.models import (
    RebuildKind,
    RebuildRun,
    RebuildStage,
    RebuildState,
)
from projections.rebuilds.swap import delete_generation
from projections.registry import ProjectionSpec

INTERRUPTED = (RebuildState.RUNNING, RebuildState.FAILED)


def next_generation_name(projection: str) -> str:
    """One more than any generation number this projection ever used.

    Never the engine's first generation's name, which it creates on first use.
    """
    used = set(
        ProjectionGeneration.objects.filter(projection=projection).values_list(
            "generation", flat=True
        )
    ) | set(
        RebuildRun.objects.filter(projection=projection).values_list(
            "generation", flat=True
        )
    )
    numbers = [int(name) for name in used if name.isdigit()]
    return str(max(numbers, default=int(FIRST_GENERATION)) + 1)


def interrupted(*, projection: str, kind: str) -> RebuildRun | None:
    """The latest run of `kind` that stopped before its swap, if it can go on."""
    for run in RebuildRun.objects.filter(
        projection=projection, kind=kind, state__in=INTERRUPTED
    ).exclude(generation=""):
        state = generation_state(run)
        if state is not None and state != GenerationState.RETIRED:
            return run
    return None


def generation_state(run: RebuildRun) -> str | None:
    return (
        ProjectionGeneration.objects.filter(
            projection=run.projection, generation=run.generation
        )
        .values_list("state", flat=True)
        .first()
    )


def resume_rebuild(*, projection: str, run_id: int | None = None) -> RebuildRun:
    run = interrupted(projection=projection, kind=RebuildKind.REBUILD)
    if run is None or (run_id is not None and run.pk != run_id):
        raise NothingToResume(projection)
    _update(run, state=RebuildState.RUNNING, error="", finished_at=None)
    return run


def begin_rebuild(
    *,
    spec: ProjectionSpec,
    batch_size: int,
    keep: int,
    run_id: int | None = None,
    requested_by: str = "",
) -> RebuildRun:
    """A new building generation and the run that loads it."""
    abandon_interrupted(spec)
    live = ProjectionGeneration.objects.filter(
        projection=spec.name, state=GenerationState.LIVE
    ).first()
    with transaction.atomic():
        generation = ProjectionGeneration.objects.create(
            projection=spec.name,
            generation=next_generation_name(spec.name),
            state=GenerationState.BUILDING,
            segments=tunables.segments_for(spec.name),
        )
        run = _claim_or_create(run_id=run_id, projection=spec.name)
        _update(
            run,
            kind=RebuildKind.REBUILD,
            generation=generation.generation,
            previous_generation=live.generation if live else "",
            state=RebuildState.RUNNING,
            stage=RebuildStage.LOADING,
            batch_size=batch_size,
            keep=keep,
            requested_by=requested_by or run.requested_by,
            started_at=timezone.now(),
        )
    return run


def begin_rollback(
    *, projection: str, target: ProjectionGeneration, live: str | None
) -> RebuildRun:
    """Mark `target` building (its runners resume) under a new rollback run.

    An earlier rollback that died is superseded by this one.
    """
    with transaction.atomic():
        RebuildRun.objects.filter(
            projection=projection, kind=RebuildKind.ROLLBACK, state__in=INTERRUPTED
        ).update(state=RebuildState.ABANDONED, finished_at=timezone.now())
        ProjectionGeneration.objects.filter(pk=target.pk).update(
            state=GenerationState.BUILDING, updated_at=timezone.now()
        )
        target.state = GenerationState.BUILDING
        return RebuildRun.objects.create(
            projection=projection,
            kind=RebuildKind.ROLLBACK,
            generation=target.generation,
            previous_generation=live or "",
            state=RebuildState.RUNNING,
            stage=RebuildStage.CATCHING_UP,
            started_at=timezone.now(),
        )


def abandon_interrupted(spec: ProjectionSpec) -> list[str]:
    """Clean up after rebuilds and rollbacks that died; return what was done.

    A half-built generation is deleted (nobody must ever roll back to it);
    the target of an interrupted rollback goes back to retired.
    """
    done = []
    for run in RebuildRun.objects.filter(
        projection=spec.name, state__in=INTERRUPTED
    ).exclude(generation=""):
        generation = ProjectionGeneration.objects.filter(
            projection=spec.name, generation=run.generation
        ).first()
        if generation is not None and generation.state == GenerationState.LIVE:
            succeed(run)  # died after its swap committed
            continue
        if generation is not None and generation.state == GenerationState.BUILDING:
            done.append(_abandon(spec=spec, run=run, generation=generation))
        _update(run, state=RebuildState.ABANDONED, finished_at=timezone.now())
    return done


def _abandon(
    *, spec: ProjectionSpec, run: RebuildRun, generation: ProjectionGeneration
) -> str:
    if run.kind == RebuildKind.ROLLBACK:
        ProjectionGeneration.objects.filter(pk=generation.pk).update(
            state=GenerationState.RETIRED
        )
        return f"generation {generation.generation} back to retired"
    if delete_generation(spec=spec, generation=generation):
        return f"deleted the half-built generation {generation.generation}"
    return f"retired the half-built generation {generation.generation}"


def configure(run: RebuildRun, *, batch_size: int, keep: int) -> None:
    _update(run, batch_size=batch_size, keep=keep)


def set_stage(*, run: RebuildRun, stage: str) -> None:
    _update(run, stage=stage)


def succeed(run: RebuildRun) -> None:
    _update(
        run,
        state=RebuildState.SUCCEEDED,
        stage=RebuildStage.DONE,
        error="",
        finished_at=timezone.now(),
    )


def fail(*, run: RebuildRun, error: BaseException) -> None:
    detail = "".join(traceback.format_exception_only(error)).strip()
    _update(run, state=RebuildState.FAILED, error=detail, finished_at=timezone.now())


def _claim_or_create(*, run_id: int | None, projection: str) -> RebuildRun:
    if run_id is None:
        return RebuildRun.objects.create(projection=projection)
    return RebuildRun.objects.select_for_update().get(pk=run_id, projection=projection)


def _update(run: RebuildRun, **fields: object) -> None:
    RebuildRun.objects.filter(pk=run.pk).update(**fields, updated_at=timezone.now())
    for name, value in fields.items():
        setattr(run, name, value)
