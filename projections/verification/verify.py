"""Compare a read model with the write model, and optionally repair the drift.

Pass 1 streams write-model primary keys in order (a server-side cursor),
builds each chunk's expected entries with the projection's own `load` and
`build` in one snapshot, reads the same keys from the store and classifies
each one (missing, stale, differing, ahead). Pass 2 walks every key the
store holds and looks each chunk up in the write model: keys without a row
are extras. Memory holds one chunk at a time.

The live projector keeps writing while this runs, so an entry can look
stale merely because the projector has not got to it yet. Findings are
therefore confirmed: once the generation has applied everything the
chunk's snapshot saw (its horizon reaches the snapshot's xmax, or nothing
waits in the outbox), the drifted keys are loaded and read again, and only
what still differs is reported (and repaired).
"""

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from projections import registry
from projections.errors import ProjectionError
from projections.lifecycle import generations
from projections.models import ProjectionGeneration
from projections.outbox.snapshots import consistent_snapshot
from projections.rebuilds.catchup import waiting_events
from projections.rebuilds.reporting import Reporter
from projections.rebuilds.snapshot import snapshot_xmax
from projections.rebuilds.targets import target_for
from projections.registry import ProjectionSpec
from projections.running.watermarks import current_horizon
from projections.sources import Source, chunked
from projections.verification.drift import DriftKind, DriftReport, classify
from projections.verification.entries import Entry, expected_entry
from projections.verification.repair import Pair, Repairer, repairer_for
from projections.verification.stored import StoredReader, reader_for

DEFAULT_BATCH_SIZE = 500
SETTLE_POLL = 0.1


class NothingToVerify(ProjectionError):
    pass


@dataclass
class Verification:
    """One verification under way: what it compares, and what it found."""

    spec: ProjectionSpec
    source: Source
    generation: ProjectionGeneration
    reader: StoredReader
    repairer: Repairer | None
    report: DriftReport
    settle_timeout: float

    def check(self, keys: Sequence[int]) -> None:
        """Classify one chunk of write-model rows; repair what is confirmed."""
        expected, xmax = expected_entries(spec=self.spec, keys=keys)
        drifted = compare(expected=expected, stored=self.reader.fetch(list(expected)))
        if drifted:
            drifted = self._confirm(drifted, xmax=xmax)
        for kind, (entry, _) in drifted:
            self.report.add(kind=kind, key=entry.key)
        if self.repairer is not None and drifted:
            self._record(self.repairer.repair([pair for _, pair in drifted]))
        self.report.checked += len(keys)

    def check_extras(self, store_keys: Sequence[str]) -> None:
        extras = sorted(set(store_keys) - self.source.existing(store_keys))
        for key in extras:
            self.report.add(kind=DriftKind.EXTRA, key=key)
        if self.repairer is not None and extras:
            self._record(self.repairer.remove(extras))

    def _confirm(
        self, drifted: list[tuple[DriftKind, Pair]], *, xmax: int
    ) -> list[tuple[DriftKind, Pair]]:
        self._settle(xmax)
        keys = sorted({int(entry.row_key) for _, (entry, _) in drifted})
        expected, _ = expected_entries(spec=self.spec, keys=keys)
        return compare(expected=expected, stored=self.reader.fetch(list(expected)))

    def _settle(self, xmax: int) -> None:
        """Wait (bounded, once per run if it times out) for the projector."""
        if self.report.unsettled:
            return
        deadline = time.monotonic() + self.settle_timeout
        while not self._settled(xmax):
            if time.monotonic() > deadline:
                self.report.unsettled = True
                return
            time.sleep(SETTLE_POLL)

    def _settled(self, xmax: int) -> bool:
        horizon = current_horizon(
            projection=self.spec.name, generation=self.generation.generation
        )
        return horizon >= xmax or not waiting_events(generation=self.generation, cap=1)

    def _record(self, failures: list[str]) -> None:
        self.report.repair_failures.extend(failures)


def verify_projection(
    *,
    projection: str,
    sample: int | None = None,
    repair: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    generation: str | None = None,
    settle_timeout: float = 10.0,
    reporter: Reporter | None = None,
) -> DriftReport:
    """Find (and with `repair`, fix) drift between a projection and the write model."""
    reporter = reporter or Reporter()
    started = time.monotonic()
    verification = _prepare(
        projection=projection,
        generation=generation,
        sample=sample,
        repair=repair,
        settle_timeout=settle_timeout,
    )
    report = verification.report
    reporter.say(_announce(report, repair=repair))
    keys = _row_keys(verification.source, sample=sample, batch_size=batch_size)
    total = sample if sample is not None else verification.source.count()
    bar = reporter.bar(total=total, done=0, unit="rows")
    try:
        for chunk in keys:
            verification.check(chunk)
            bar.update(len(chunk))
    finally:
        bar.close()
    if sample is None:
        for store_keys in verification.reader.scan_keys(chunk=batch_size):
            verification.check_extras(store_keys)
    if repair:
        report.repaired = report.drifted - len(report.repair_failures)
    report.seconds = time.monotonic() - started
    return report


def _prepare(
    *,
    projection: str,
    generation: str | None,
    sample: int | None,
    repair: bool,
    settle_timeout: float,
) -> Verification:
    spec = registry.get(projection)
    source = spec.source
    state = _generation(projection=projection, generation=generation)
    reader = reader_for(spec=spec, generation=state.generation)
    repairer = repairer_for(spec=spec, generation=state.generation)
    return Verification(
        spec=spec,
        source=source,
        generation=state,
        reader=reader,
        repairer=repairer if repair else None,
        report=DriftReport(
            projection=projection,
            generation=state.generation,
            aggregate_type=source.aggregate_type,
            where=target_for(spec=spec, generation=state.generation).where,
            sampled=sample is not None,
        ),
        settle_timeout=settle_timeout,
    )


def expected_entries(
    *, spec: ProjectionSpec, keys: Sequence[int]
) -> tuple[dict[str, Entry], int]:
    """What the store must hold for `keys` now, and the snapshot's xmax."""
    with consistent_snapshot():
        xmax = snapshot_xmax()
        rows = spec.load([str(key) for key in keys])
    entries = (
        expected_entry(spec.build(row), row_key=key) for key, row in rows.items()
    )
    return {entry.key: entry for entry in entries}, xmax


def compare(
    *, expected: dict[str, Entry], stored: dict[str, Entry]
) -> list[tuple[DriftKind, Pair]]:
    drifted = []
    for key, entry in expected.items():
        found = stored.get(key)
        kind = classify(expected=entry, stored=found)
        if kind is not None:
            drifted.append((kind, (entry, found)))
    return drifted


def _row_keys(
    source: Source, *, sample: int | None, batch_size: int
) -> Iterator[list[int]]:
    if sample is not None:
        return chunked(source.sample(sample), size=batch_size)
    return source.key_chunks(after=None, chunk=batch_size)


def _generation(*, projection: str, generation: str | None) -> ProjectionGeneration:
    if generation is None:
        live = generations.live_generation(projection)
        if live is None:
            raise NothingToVerify(f"{projection} has no live generation yet")
        return live
    try:
        return generations.get_generation(projection=projection, generation=generation)
    except ProjectionGeneration.DoesNotExist:
        raise NothingToVerify(
            f"{projection} has no generation {generation!r}"
        ) from None


def _announce(report: DriftReport, *, repair: bool) -> str:
    what = "Sampling" if report.sampled else "Verifying"
    then = ", repairing what has drifted" if repair else ""
    return (
        f"{what} {report.projection} generation {report.generation} "
        f"({report.where}) against the write model{then}."
    )
