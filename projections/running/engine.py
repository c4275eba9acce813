"""One run of one segment: claim it, fold batches into the store, advance.

The loop: read the next batch after the checkpoint from the outbox (the
events of transactions that ended since, see `commands.outbox.read_batch`) → apply it (`batches`) → park what
failed and advance the checkpoint in one transaction, fenced by the lease →
publish the watermark. It ends when the segment is caught up, or after a
bounded time/number of batches with `more=True` so the caller re-enqueues.
"""

import logging
import time
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import transaction

from commands.outbox import SHARDS, OutboxBatch, read_batch
from config.logs import log_context
from projections import registry, tunables
from projections.errors import GenerationLost, LeaseLost
from projections.lifecycle import generations, losses
from projections.models import GenerationState, ProjectionGeneration
from projections.registry import ProjectionSpec
from projections.running import deadletters, metrics, throughput, watermarks
from projections.running.batches import apply_events
from projections.running.leases import Lease, claim

logger = logging.getLogger(__name__)


@dataclass
class RunReport:
    projection: str
    generation: str
    segment: int
    claimed: bool = False
    batches: int = 0
    events: int = 0
    parked: int = 0
    more: bool = False


def shards_of(*, segment: int, segments: int) -> list[int]:
    """The outbox shards a segment reads: those with `shard % segments == segment`."""
    return [shard for shard in range(SHARDS) if shard % segments == segment]


def run_segment(
    *, projection: str, segment: int, generation: str | None = None
) -> RunReport:
    """Bring one segment of a generation (default: the live one) up to date."""
    spec = registry.get(projection)
    state = _generation(projection=projection, generation=generation)
    report = RunReport(projection, state.generation, segment)
    if state.state in (GenerationState.RETIRED, GenerationState.LOST):
        return report  # a lost generation's rebuild replaces it (see healing)
    if not 0 <= segment < state.segments:
        raise ValueError(f"{projection} has segments 0..{state.segments - 1}")
    lease = claim(projection=projection, generation=state.generation, segment=segment)
    if lease is None:
        return report
    run = _SegmentRun(spec=spec, state=state, lease=lease)
    released = False
    try:
        released = run.run()
    except LeaseLost:
        raise  # the row is another runner's now: leave its error field alone
    except GenerationLost as exc:
        lease.record_error(str(exc))  # marked lost: the healer takes it from here
        return run.report
    except Exception as exc:
        # Whatever ended the run, `projection_status` shows it; the caller
        # (Dramatiq's retries) decides what happens next.
        lease.record_error(f"{type(exc).__name__}: {exc}")
        raise
    finally:
        if not released:
            lease.release()
    return run.report


def _generation(*, projection: str, generation: str | None) -> ProjectionGeneration:
    if generation is not None:
        return generations.get_generation(projection=projection, generation=generation)
    live = generations.live_generation(projection)
    return live or generations.ensure_live_generation(projection)


class _SegmentRun:
    """The batches of one claimed run, ending caught up or out of budget."""

    def __init__(
        self, *, spec: ProjectionSpec, state: ProjectionGeneration, lease: Lease
    ) -> None:
        self.spec, self.state, self.lease = spec, state, lease
        self.report = RunReport(
            spec.name, state.generation, lease.segment, claimed=True
        )
        self.store = generations.store_for(spec=spec, generation=state.generation)
        self.store_ready = False
        self.live = state.state == GenerationState.LIVE

    def run(self) -> bool:
        """Batches until caught up (True: lease released) or out of budget (False)."""
        shards = shards_of(segment=self.lease.segment, segments=self.state.segments)
        limit = int(tunables.get("BATCH_SIZE"))
        deadline = time.monotonic() + float(tunables.get("RUN_SECONDS"))
        while True:
            batch = read_batch(position=self.lease.position, limit=limit, shards=shards)
            caught_up = batch.complete
            if self._apply(batch=batch, release=caught_up):
                return True
            if not caught_up and (
                time.monotonic() > deadline or self.report.batches >= _max_batches()
            ):
                self.report.more = True
                return False

    def _apply(self, *, batch: OutboxBatch, release: bool) -> bool:
        """Apply a batch and advance past it; True if the lease was released."""
        started = time.monotonic()
        ids = correlation_ids(batch)
        with log_context(",".join(ids)[:256]):
            released, parked = self._apply_batch(batch=batch, release=release)
            self._record(batch=batch, parked=parked, ids=ids, started=started)
        return released

    def _apply_batch(self, *, batch: OutboxBatch, release: bool) -> tuple[bool, int]:
        lease, events = self.lease, batch.events
        parked, open_letters = [], {}
        if any(self.spec.handles(event) for event in events):
            self._ensure_store()
            open_letters = deadletters.open_aggregates(
                projection=lease.projection,
                generation=lease.generation,
                segment=lease.segment,
            )
            parked = apply_events(
                spec=self.spec,
                store=self.store,
                events=events,
                blocked=open_letters.keys(),
                keepalive=lease.renew,
            )
        with transaction.atomic() if parked else nullcontext():
            deadletters.park(
                projection=lease.projection,
                generation=lease.generation,
                segment=lease.segment,
                parked=parked,
                open_letters=open_letters,
            )
            released = lease.advance(
                to=batch.next, applied=len(events), release=release
            )
        if self.live:
            watermarks.publish(projection=lease.projection, generation=lease.generation)
        return released, len(parked)

    def _record(
        self, *, batch: OutboxBatch, parked: int, ids: list[str], started: float
    ) -> None:
        """Report, metrics and (for a non-empty batch) one log line per batch."""
        self.report.batches += 1
        self.report.events += len(batch.events)
        self.report.parked += parked
        seconds = time.monotonic() - started
        metrics.record_batch(
            projection=self.spec.name,
            segment=self.lease.segment,
            events=len(batch.events),
            parked=parked,
            seconds=seconds,
        )
        throughput.record(
            projection=self.lease.projection,
            generation=self.lease.generation,
            events=sum(1 for event in batch.events if self.spec.handles(event)),
        )
        if batch.events:
            logger.info(
                "projected %s events into %s/%s segment %s in %.3fs (%s parked)",
                len(batch.events),
                self.spec.name,
                self.lease.generation,
                self.lease.segment,
                seconds,
                parked,
                extra={
                    "projection": self.spec.name,
                    "generation": self.lease.generation,
                    "segment": self.lease.segment,
                    "events": len(batch.events),
                    "parked": parked,
                    "correlation_ids": ids,
                },
            )

    def _ensure_store(self) -> None:
        """Before the first write of a run (not on idle runs): a live
        generation's data must still be there (else `GenerationLost`); a
        building one's store is created if missing."""
        if not self.store_ready:
            if self.live:
                losses.require_present(self.state)
            else:
                self.store.ensure(live=False)
            self.store_ready = True


def correlation_ids(batch: OutboxBatch) -> list[str]:
    """The distinct correlation ids of a batch's events, in first-seen order."""
    return list(
        dict.fromkeys(e.correlation_id for e in batch.events if e.correlation_id)
    )


def _max_batches() -> int:
    return int(tunables.get("RUN_MAX_BATCHES"))
