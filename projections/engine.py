"""One run of one segment: claim it, fold batches into the store, advance.

The loop: read a batch after the checkpoint from the outbox (commit-safe
order, see `commands.outbox.read_after`) → apply it (`batches`) → park what
failed and advance the checkpoint in one transaction, fenced by the lease →
publish the watermark. It ends when the segment is caught up, or after a
bounded time/number of batches with `more=True` so the caller re-enqueues.
"""

import logging
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import transaction

from commands.outbox import SHARDS, read_after
from projections import deadletters, generations, registry, tunables, watermarks
from projections.batches import apply_events
from projections.errors import LeaseLost
from projections.events import Event
from projections.leases import Lease, claim
from projections.models import GenerationState, ProjectionGeneration
from projections.registry import ProjectionSpec

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
    if state.state == GenerationState.RETIRED:
        return report
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
            batch = read_after(after=self.lease.after, limit=limit, shards=shards)
            caught_up = len(batch.events) < limit
            horizon = batch.horizon if caught_up else batch.events[-1].txid
            if self._apply(events=batch.events, horizon=horizon, release=caught_up):
                return True
            if not caught_up and (
                time.monotonic() > deadline or self.report.batches >= _max_batches()
            ):
                self.report.more = True
                return False

    def _apply(self, *, events: Sequence[Event], horizon: int, release: bool) -> bool:
        """Apply a batch and advance past it; True if the lease was released."""
        lease = self.lease
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
        last = events[-1] if events else None
        with transaction.atomic() if parked else nullcontext():
            deadletters.park(
                projection=lease.projection,
                generation=lease.generation,
                segment=lease.segment,
                parked=parked,
                open_letters=open_letters,
            )
            released = lease.advance(
                txid=last.txid if last else lease.txid,
                position=last.position if last else lease.position,
                horizon=horizon,
                applied=len(events),
                release=release,
            )
        self.report.batches += 1
        self.report.events += len(events)
        self.report.parked += len(parked)
        if self.live:
            watermarks.publish(projection=lease.projection, generation=lease.generation)
        return released

    def _ensure_store(self) -> None:
        """Create the index / namespace on first need (not on idle runs)."""
        if not self.store_ready:
            self.store.ensure(live=self.live)
            self.store_ready = True


def _max_batches() -> int:
    return int(tunables.get("RUN_MAX_BATCHES"))
