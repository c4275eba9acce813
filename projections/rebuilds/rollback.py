"""Swap back to the most recent retired generation that still exists.

The retired generation stopped following the outbox when it was retired;
it is marked building again, so its runners resume from its checkpoints,
caught up the same way a rebuild is, and only then swapped in: readers go
from one complete, current generation to another.
"""

from dataclasses import dataclass

from projections import registry
from projections.lifecycle import generations
from projections.models import GenerationState, ProjectionGeneration
from projections.rebuilds import runs
from projections.rebuilds.catchup import catch_up, close_gap, waiting_events
from projections.rebuilds.errors import NothingToRollBack, RebuildLocked
from projections.rebuilds.ledger import open_ledger
from projections.rebuilds.models import RebuildKind, RebuildRun, RebuildState
from projections.rebuilds.rebuild import RebuildOptions
from projections.rebuilds.reporting import Reporter
from projections.rebuilds.swap import swap
from projections.rebuilds.targets import target_for
from projections.registry import ProjectionSpec


@dataclass(frozen=True)
class RollbackPlan:
    projection: str
    live: str | None
    target: str
    where: str
    waiting: int

    def describe(self) -> str:
        current = f"generation {self.live}" if self.live else "no live generation"
        return (
            f"{self.projection}: roll back from {current} to generation "
            f"{self.target} ({self.where}): catch it up from its checkpoints "
            f"({self.waiting:,} event(s) waiting), then swap readers over atomically."
        )


def plan_rollback(*, projection: str) -> RollbackPlan:
    """What `rollback_projection` would do now; changes nothing."""
    spec = registry.get(projection)
    target = rollback_target(spec)
    live = generations.live_generation(projection)
    return RollbackPlan(
        projection=projection,
        live=live.generation if live else None,
        target=target.generation,
        where=target_for(spec=spec, generation=target.generation).where,
        waiting=waiting_events(generation=target),
    )


def rollback_target(spec: ProjectionSpec) -> ProjectionGeneration:
    """An interrupted rollback's target, else the most recently retired generation
    whose store still exists."""
    unfinished = runs.interrupted(projection=spec.name, kind=RebuildKind.ROLLBACK)
    if unfinished is not None:
        return generations.get_generation(
            projection=spec.name, generation=unfinished.generation
        )
    retired = (
        ProjectionGeneration.objects.filter(
            projection=spec.name, state=GenerationState.RETIRED
        )
        .exclude(generation__in=half_built(spec.name))
        .order_by("-updated_at", "-id")
    )
    for generation in retired:
        if target_for(spec=spec, generation=generation.generation).exists():
            return generation
    raise NothingToRollBack(spec.name)


def half_built(projection: str) -> set[str]:
    """Generations whose rebuild never swapped them in: never roll back to those."""
    return set(
        RebuildRun.objects.filter(projection=projection, kind=RebuildKind.REBUILD)
        .exclude(state=RebuildState.SUCCEEDED)
        .values_list("generation", flat=True)
    )


def rollback_projection(
    *,
    projection: str,
    options: RebuildOptions | None = None,
    reporter: Reporter | None = None,
) -> RebuildRun:
    options = options or RebuildOptions()
    reporter = reporter or Reporter()
    spec = registry.get(projection)
    with open_ledger() as ledger:
        if not ledger.try_lock(projection):
            raise RebuildLocked(projection)
        reporter.say(plan_rollback(projection=projection).describe())
        target = rollback_target(spec)
        live = generations.live_generation(projection)
        run = runs.begin_rollback(
            projection=projection,
            target=target,
            live=live.generation if live else None,
        )
        try:
            catch_up(
                generation=target,
                max_lag=options.max_lag,
                timeout=options.catch_up_timeout,
            )
            close_gap(
                generation=target,
                live=live.generation if live else None,
                timeout=options.catch_up_timeout,
            )
            swap(spec=spec, new=target)
        except BaseException as exc:
            runs.fail(run=run, error=exc)
            raise
        runs.succeed(run)
    reporter.say(f"Readers of {projection} now see generation {target.generation}.")
    return run
