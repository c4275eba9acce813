"""Stream a snapshot of the write model into a new generation, memory flat.

Primary keys come through a server-side cursor inside the snapshot
transaction; each chunk is loaded and built by the projection's own `load`
and `build` (same documents, same composite versions as the live projector)
and written by the generation's store, which sends OpenSearch documents
with `helpers.streaming_bulk` and external versions, and Redis hashes
through the version-checking script. Writing happens on a small thread pool
while the next chunk is read and built, so the database and the store work
at the same time; at most `PIPELINE_DEPTH` chunks are in flight. A chunk
counts as done (and `last_pk` moves, for `--resume`) only once it and every
chunk before it are written.
"""

import logging
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from projections.rebuilds.ledger import Ledger
from projections.rebuilds.models import RebuildRun
from projections.rebuilds.reporting import ProgressBar, Reporter
from projections.rebuilds.snapshot import snapshot_transaction
from projections.registry import ProjectionSpec
from projections.sources import Source
from projections.stores import Store
from projections.writes import Write

logger = logging.getLogger(__name__)

PIPELINE_DEPTH = 2
EXAMPLES = 5


@dataclass
class Chunk:
    writes: list[Write]
    last_pk: int
    rows: int
    rejected: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    xmin: int
    rows: int = 0
    rejected: int = 0
    examples: list[str] = field(default_factory=list)


def load_snapshot(
    *,
    spec: ProjectionSpec,
    source: Source,
    store: Store,
    run: RebuildRun,
    ledger: Ledger,
    reporter: Reporter,
    max_rate: float | None = None,
) -> LoadResult:
    """Load every row after `run.last_pk` from one snapshot into `store`."""
    with snapshot_transaction() as xmin:
        if run.snapshot_xmin is None:
            # Recorded before the first write: a resumed load must catch up
            # from the FIRST snapshot, which the documents written so far show.
            ledger.record(run_id=run.pk, snapshot_xmin=xmin)
            run.snapshot_xmin = xmin
        total = run.rows_done + source.count(after=run.last_pk)
        ledger.record(run_id=run.pk, rows_total=total)
        bar = reporter.bar(total=total, done=run.rows_done, unit="rows")
        progress = Progress(run=run, ledger=ledger, bar=bar)
        try:
            _stream(
                spec=spec,
                source=source,
                store=store,
                run=run,
                progress=progress,
                throttle=Throttle(max_rate),
            )
        finally:
            bar.close()
    return LoadResult(
        xmin=run.snapshot_xmin,
        rows=progress.session_rows,
        rejected=progress.rejected,
        examples=progress.examples,
    )


def _stream(
    *,
    spec: ProjectionSpec,
    source: Source,
    store: Store,
    run: RebuildRun,
    progress: "Progress",
    throttle: "Throttle",
) -> None:
    chunks = source.key_chunks(after=run.last_pk, chunk=run.batch_size)
    with pipelined(store) as writer:
        for keys in chunks:
            for done in writer.submit(build_chunk(spec=spec, keys=keys)):
                progress.advance(done)
            throttle.pace(len(keys))
        for done in writer.drain():
            progress.advance(done)


def build_chunk(*, spec: ProjectionSpec, keys: Sequence[int]) -> Chunk:
    """Load and build the documents of `keys` (in the caller's snapshot)."""
    rows = spec.load([str(key) for key in keys])
    chunk = Chunk(writes=[], last_pk=int(keys[-1]), rows=len(keys))
    for key, row in rows.items():
        try:
            chunk.writes.append(spec.build(row))
        except Exception as exc:  # noqa: BLE001 - a fold bug is counted, reported, not swapped in
            chunk.rejected.append(f"{key}: {type(exc).__name__}: {exc}")
    return chunk


class PipelinedWriter:
    """Writes chunks on worker threads, reporting them back in submission order."""

    def __init__(self, *, store: Store, executor: ThreadPoolExecutor) -> None:
        self.store = store
        self.executor = executor
        self.pending: deque[tuple[Future[dict[int, str]], Chunk]] = deque()

    def submit(self, chunk: Chunk) -> list[Chunk]:
        finished = []
        while len(self.pending) >= PIPELINE_DEPTH:
            finished.append(self._finish_oldest())
        self.pending.append(
            (self.executor.submit(self.store.write, chunk.writes), chunk)
        )
        return finished

    def drain(self) -> list[Chunk]:
        return [self._finish_oldest() for _ in range(len(self.pending))]

    def _finish_oldest(self) -> Chunk:
        future, chunk = self.pending.popleft()
        for index, error in future.result().items():
            chunk.rejected.append(f"{_key_of(chunk.writes[index])}: {error}")
        return chunk


@contextmanager
def pipelined(store: Store) -> Iterator[PipelinedWriter]:
    executor = ThreadPoolExecutor(
        max_workers=PIPELINE_DEPTH, thread_name_prefix="rebuild-write"
    )
    try:
        yield PipelinedWriter(store=store, executor=executor)
    finally:
        # On an error, chunks still queued are dropped: `last_pk` never
        # passed them, so `--resume` writes them again.
        executor.shutdown(wait=True, cancel_futures=True)


class Progress:
    """Counts written rows and publishes them through the ledger."""

    def __init__(self, *, run: RebuildRun, ledger: Ledger, bar: ProgressBar) -> None:
        self.run = run
        self.ledger = ledger
        self.bar = bar
        self.started = time.monotonic()
        self.session_rows = 0
        self.rejected = 0
        self.examples: list[str] = []

    def advance(self, chunk: Chunk) -> None:
        self.session_rows += chunk.rows
        self.run.rows_done += chunk.rows
        self.run.last_pk = chunk.last_pk
        self.rejected += len(chunk.rejected)
        self.examples.extend(chunk.rejected[: EXAMPLES - len(self.examples)])
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.run.rate = self.session_rows / elapsed
        self.ledger.record(
            run_id=self.run.pk,
            rows_done=self.run.rows_done,
            last_pk=chunk.last_pk,
            rate=round(self.run.rate, 1),
        )
        self.bar.update(chunk.rows)


class Throttle:
    """Keeps the load at or below `rate` rows per second (None: no limit)."""

    def __init__(self, rate: float | None) -> None:
        self.rate = rate
        self.started = time.monotonic()
        self.rows = 0

    def pace(self, rows: int) -> None:
        self.rows += rows
        if not self.rate:
            return
        ahead = self.rows / self.rate - (time.monotonic() - self.started)
        if ahead > 0:
            time.sleep(ahead)


def _key_of(write: Write) -> str:
    for name in ("doc_id", "key", "member"):
        if hasattr(write, name):
            return str(getattr(write, name))
    return repr(write)
