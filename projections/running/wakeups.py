"""Wake-ups: queue projector runs for the segments that need one."""

import logging
from dataclasses import dataclass

from projections import registry
from projections.actors import project_segment
from projections.lifecycle import generations
from projections.models import GenerationState, ProjectionGeneration
from projections.outbox import horizons
from projections.running import wake_dedupe, watermarks
from projections.visibility import TxSnapshot, common

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WakeReport:
    sent: int
    # Committed events a reader cannot take yet, worth looking again soon. The
    # snapshot-pair reader takes every ended transaction at once, so none.
    held_back: bool = False


def wake_pending() -> WakeReport:
    """Queue a run for each segment with events waiting.

    Segments with nothing waiting get their checkpoint moved in the same scan,
    and the watermarks of live projections are republished, without a run.
    Called on every NOTIFY and every tick of the listener; deduplicated like
    `wake_all`.
    """
    _active()  # a projection without a generation gets generation 1 first
    segments = horizons.scan()
    sent = _send(
        [
            (s.projection, None if s.live else s.generation, s.segment)
            for s in segments
            if s.pending
        ]
    )
    if any(s.raised for s in segments):
        watermarks.publish_many(_live_watermarks(segments))
    return WakeReport(sent=sent)


def _live_watermarks(segments: list[horizons.SegmentScan]) -> dict[str, TxSnapshot]:
    """What every segment of each live projection has applied."""
    by_projection: dict[str, list[TxSnapshot]] = {}
    for s in segments:
        if s.live:
            by_projection.setdefault(s.projection, []).append(s.checkpoint)
    return {
        name: found
        for name, checkpoints in by_projection.items()
        if (found := common(checkpoints)) is not None
    }


def wake_all() -> int:
    """Queue one run per segment that has none queued; return how many were sent.

    However often it is called, at most one message per segment is queued.
    """
    return _send(_segments())


def _send(targets: list[tuple[str, str | None, int]]) -> int:
    keys = [
        wake_dedupe.wake_key(projection=p, generation=g or "live", segment=s)
        for p, g, s in targets
    ]
    sent = 0
    for (projection, generation, segment), reserved in zip(
        targets, wake_dedupe.reserve_many(keys), strict=True
    ):
        if reserved:
            project_segment.send(projection, segment, generation)
            sent += 1
    return sent


def _segments() -> list[tuple[str, str | None, int]]:
    """(projection, generation, segment) of every runnable segment.

    Live generations are addressed as None ("whatever is live when the run
    starts"), so a message queued before a swap follows the swap.
    """
    return [
        (g.projection, None if g.state == GenerationState.LIVE else g.generation, s)
        for g in _active()
        for s in range(g.segments)
    ]


def _active() -> list[ProjectionGeneration]:
    """Live and building generations; a projection without one gets generation 1."""
    active = generations.active_generations()
    live = {g.projection for g in active if g.state == GenerationState.LIVE}
    for name in registry.names():
        if name not in live:
            active.append(generations.ensure_live_generation(name))
    return active
