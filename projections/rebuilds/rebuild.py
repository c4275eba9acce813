"""Rebuild a projection beside the live one, then swap, with zero downtime.

1. Lock: a session-level advisory lock per projection (see `ledger`).
2. Load: a new generation (state `building`): an OpenSearch index, or a Redis
   key namespace, nobody reads yet. One REPEATABLE READ transaction reads its
   snapshot's xmin and streams the write model into it (see `loading`).
3. Catch up: the generation's checkpoints start at `(xmin - 1, MAX)`, so its
   runners (re)apply every event from xmin on, until the lag is small, then
   until it has applied everything the live generation had (see `catchup`).
4. Swap: the alias (one `_aliases` request) or the Redis pointer (one SET),
   and the states (old: retired, new: live) in one transaction (see `swap`).
   Readers see the old generation until then, the complete new one after.
5. Prune: keep `keep` retired generations for `rollback_projection`.

A crash at any point leaves readers on the old generation; `--resume`
continues the same generation from the last written primary key.
"""

import time
from dataclasses import dataclass, field

from projections import registry
from projections.lifecycle import generations
from projections.models import GenerationState, ProjectionGeneration
from projections.rebuilds import runs
from projections.rebuilds.catchup import catch_up, close_gap, start_checkpoints
from projections.rebuilds.errors import (
    DocumentsRejected,
    NothingToResume,
    RebuildLocked,
)
from projections.rebuilds.ledger import Ledger, open_ledger
from projections.rebuilds.loading import load_snapshot
from projections.rebuilds.models import RebuildKind, RebuildRun, RebuildStage
from projections.rebuilds.reporting import Reporter
from projections.rebuilds.swap import prune, swap
from projections.rebuilds.targets import target_for
from projections.registry import ProjectionSpec
from projections.sources import Source

DEFAULT_BATCH_SIZE = 1000
DEFAULT_KEEP = 1


@dataclass(frozen=True)
class RebuildOptions:
    batch_size: int | None = None  # None: 1000, or the interrupted run's own
    keep: int | None = None  # retired generations kept; None: 1, or the run's
    resume: bool = False
    max_lag: int = 100  # events still waiting when the final catch-up starts
    max_rate: float | None = None  # rows per second while loading; None: no limit
    catch_up_timeout: float = 600.0


@dataclass(frozen=True)
class RebuildPlan:
    projection: str
    live: str | None
    generation: str
    where: str
    rows: int
    batch_size: int
    resuming: bool = False
    resume_from: int | None = None
    abandons: str | None = None

    @property
    def batches(self) -> int:
        return -(-self.rows // self.batch_size)

    def describe(self) -> str:
        if self.resuming:
            after = self.resume_from
            start = f"resume generation {self.generation}" + (
                f" after primary key {after}" if after is not None else ""
            )
        else:
            start = f"build generation {self.generation}"
        beside = f"live generation {self.live}" if self.live else "no live generation"
        abandon = (
            f" The interrupted build of generation {self.abandons} is discarded "
            "(--resume would continue it)."
            if self.abandons
            else ""
        )
        return (
            f"Rebuild {self.projection}: {start} ({self.where}) beside {beside} "
            f"from {self.rows:,} rows in {self.batches:,} batch(es) of "
            f"{self.batch_size:,} read in one snapshot, catch it up with the "
            f"outbox, then swap readers over atomically.{abandon}"
        )


@dataclass
class RebuildOutcome:
    run: RebuildRun
    retired: str | None = None
    deleted: list[str] = field(default_factory=list)
    seconds: float = 0.0


def plan_rebuild(*, projection: str, options: RebuildOptions) -> RebuildPlan:
    """What `rebuild_projection` would do now; changes nothing."""
    spec = registry.get(projection)
    source = spec.source
    live = generations.live_generation(projection)
    interrupted = runs.interrupted(projection=projection, kind=RebuildKind.REBUILD)
    resumable = interrupted if options.resume else None
    if options.resume and resumable is None:
        raise NothingToResume(projection)
    generation = (
        resumable.generation if resumable else runs.next_generation_name(projection)
    )
    after = resumable.last_pk if resumable else None
    return RebuildPlan(
        projection=projection,
        live=live.generation if live else None,
        generation=generation,
        where=target_for(spec=spec, generation=generation).where,
        rows=source.count(after=after),
        batch_size=_batch_size(options=options, run=resumable),
        resuming=resumable is not None,
        resume_from=after,
        abandons=interrupted.generation if interrupted and not resumable else None,
    )


def rebuild_projection(
    *,
    projection: str,
    options: RebuildOptions,
    reporter: Reporter | None = None,
    run_id: int | None = None,
    requested_by: str = "",
) -> RebuildOutcome:
    """Build a new generation of `projection` and swap it in (see module doc)."""
    reporter = reporter or Reporter()
    spec = registry.get(projection)
    source = spec.source
    started = time.monotonic()
    with open_ledger() as ledger:
        if not ledger.try_lock(projection):
            raise RebuildLocked(projection)
        reporter.say(plan_rebuild(projection=projection, options=options).describe())
        run = _begin(spec=spec, options=options, run_id=run_id, by=requested_by)
        rebuild = Rebuild(
            spec=spec,
            source=source,
            run=run,
            ledger=ledger,
            options=options,
            reporter=reporter,
            generation=generations.get_generation(
                projection=projection, generation=run.generation
            ),
        )
        try:
            outcome = rebuild.carry_out()
        except BaseException as exc:
            runs.fail(run=run, error=exc)
            raise
    outcome.seconds = time.monotonic() - started
    return outcome


def _begin(
    *, spec: ProjectionSpec, options: RebuildOptions, run_id: int | None, by: str
) -> RebuildRun:
    if options.resume:
        run = runs.resume_rebuild(projection=spec.name, run_id=run_id)
        runs.configure(
            run,
            batch_size=_batch_size(options=options, run=run),
            keep=run.keep if options.keep is None else options.keep,
        )
        return run
    return runs.begin_rebuild(
        spec=spec,
        batch_size=_batch_size(options=options, run=None),
        keep=DEFAULT_KEEP if options.keep is None else options.keep,
        run_id=run_id,
        requested_by=by,
    )


@dataclass
class Rebuild:
    """One rebuild under way; each step starts from where the run's stage says."""

    spec: ProjectionSpec
    source: Source
    run: RebuildRun
    ledger: Ledger
    options: RebuildOptions
    reporter: Reporter
    generation: ProjectionGeneration

    def carry_out(self) -> RebuildOutcome:
        if self.run.stage == RebuildStage.LOADING:
            self.load()
        if self.run.stage == RebuildStage.CATCHING_UP:
            self.catch_up()
        outcome = RebuildOutcome(run=self.run)
        if self.generation.state != GenerationState.LIVE:
            outcome.retired = self.swap()
        outcome.deleted = prune(spec=self.spec, keep=self.run.keep)
        if outcome.deleted:
            self.reporter.say(
                f"Deleted retired generation(s) {', '.join(outcome.deleted)}."
            )
        runs.succeed(self.run)
        return outcome

    def load(self) -> None:
        """Stream the snapshot into the generation; start its checkpoints at it."""
        target = target_for(spec=self.spec, generation=self.generation.generation)
        target.prepare(fresh=self.run.last_pk is None and self.run.rows_done == 0)
        result = load_snapshot(
            spec=self.spec,
            source=self.source,
            store=generations.store_for(
                spec=self.spec, generation=self.generation.generation
            ),
            run=self.run,
            ledger=self.ledger,
            reporter=self.reporter,
            max_rate=self.options.max_rate,
        )
        if result.rejected:
            raise DocumentsRejected(
                projection=self.spec.name,
                rejected=result.rejected,
                examples=result.examples,
            )
        target.finish_loading()
        start_checkpoints(generation=self.generation, xmin=result.xmin)
        runs.set_stage(run=self.run, stage=RebuildStage.CATCHING_UP)
        self.reporter.say(
            f"Loaded {self.run.rows_done:,} rows into {target.where} "
            f"({self.run.rate:,.0f} rows/s)."
        )

    def catch_up(self) -> None:
        self.reporter.say(
            f"Catching up generation {self.generation.generation} with the outbox "
            f"from txid {self.run.snapshot_xmin}."
        )
        catch_up(
            generation=self.generation,
            max_lag=self.options.max_lag,
            timeout=self.options.catch_up_timeout,
        )
        runs.set_stage(run=self.run, stage=RebuildStage.SWAPPING)

    def swap(self) -> str | None:
        """Close the last gap to the live generation, then swap; the retired name."""
        live = generations.live_generation(self.spec.name)
        close_gap(
            generation=self.generation,
            live=live.generation if live else None,
            timeout=self.options.catch_up_timeout,
        )
        retired = swap(spec=self.spec, new=self.generation)
        then = f"; generation {retired} is retired." if retired else "."
        self.reporter.say(
            f"Readers of {self.spec.name} now see generation "
            f"{self.generation.generation}{then}"
        )
        return retired


def _batch_size(*, options: RebuildOptions, run: RebuildRun | None) -> int:
    if options.batch_size is not None:
        return options.batch_size
    return run.batch_size if run is not None else DEFAULT_BATCH_SIZE
