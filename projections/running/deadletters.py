"""Dead letters: events a projection could not apply, parked with their error.

A poison event (a fold exception, a document OpenSearch rejects) is parked
and the segment moves on. Later events of the same aggregate in the segment
are parked behind it, so they never overtake it; every other event flows.
`replay` retries parked events in outbox order and resolves those that now
apply (after a fix is deployed, say).
"""

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from projections import registry
from projections.events import aggregate_of
from projections.lifecycle import generations
from projections.models import DeadLetter, DeadLetterStatus, GenerationState
from projections.running import leases
from projections.running.batches import Parked, apply_events

logger = logging.getLogger(__name__)


def open_aggregates(
    *, projection: str, generation: str, segment: int
) -> dict[tuple[str, str], int]:
    """Aggregates with a parked event in the segment, and that event's id."""
    letters = (
        DeadLetter.objects.filter(
            projection=projection,
            generation=generation,
            segment=segment,
            status=DeadLetterStatus.PARKED,
        )
        .order_by("txid", "position")
        .values_list("aggregate_type", "aggregate_id", "id")
    )
    first: dict[tuple[str, str], int] = {}
    for aggregate_type, aggregate_id, letter_id in letters:
        first.setdefault((aggregate_type, aggregate_id), letter_id)
    return first


def park(
    *,
    projection: str,
    generation: str,
    segment: int,
    parked: Sequence[Parked],
    open_letters: dict[tuple[str, str], int],
) -> None:
    """Store parked events; call inside the transaction that advances the checkpoint."""
    heads = dict(open_letters)
    for item in parked:
        aggregate = aggregate_of(item.event)
        blocker = heads.get(aggregate) if item.blocked else None
        letter = _create(
            projection=projection,
            generation=generation,
            segment=segment,
            item=item,
            blocker=blocker,
        )
        heads.setdefault(aggregate, letter.pk)


def _create(
    *, projection: str, generation: str, segment: int, item: Parked, blocker: int | None
) -> DeadLetter:
    event = item.event
    error = item.failure.error
    if item.blocked:
        error = f"waiting behind dead letter #{blocker} of the same aggregate"
    letter, _ = DeadLetter.objects.update_or_create(
        projection=projection,
        generation=generation,
        event_id=event.event_id,
        defaults={
            "segment": segment,
            "position": event.position,
            "txid": event.txid,
            "aggregate_type": event.aggregate_type,
            "aggregate_id": str(event.aggregate_id),
            "aggregate_version": event.aggregate_version,
            "shard": event.shard,
            "event_type": event.event_type,
            "schema_version": event.schema_version,
            "payload": event.payload,
            "occurred_at": event.occurred_at,
            "correlation_id": event.correlation_id or "",
            "status": DeadLetterStatus.PARKED,
            "error": error,
            "traceback": item.failure.traceback,
            "blocked_by_id": blocker,
        },
    )
    return letter


@dataclass
class ReplayReport:
    resolved: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def parked_letters(
    *, projection: str | None = None, ids: Iterable[int] | None = None
) -> QuerySet[DeadLetter]:
    letters = DeadLetter.objects.filter(status=DeadLetterStatus.PARKED)
    if projection is not None:
        registry.get(projection)
        letters = letters.filter(projection=projection)
    if ids is not None:
        letters = letters.filter(pk__in=list(ids))
    return letters.order_by("projection", "generation", "segment", "txid", "position")


def replay(
    *, projection: str | None = None, ids: Iterable[int] | None = None
) -> ReplayReport:
    """Retry parked events in outbox order; resolve those that now apply.

    Each segment is replayed under its lease, so no live runner interleaves.
    An aggregate whose letter fails again keeps its later letters parked.
    """
    report = ReplayReport()
    groups: dict[tuple[str, str, int], list[DeadLetter]] = {}
    for letter in parked_letters(projection=projection, ids=ids):
        key = (letter.projection, letter.generation, letter.segment)
        groups.setdefault(key, []).append(letter)
    for (name, generation, segment), letters in groups.items():
        _replay_segment(
            projection=name,
            generation=generation,
            segment=segment,
            letters=letters,
            report=report,
        )
    return report


def _replay_segment(
    *,
    projection: str,
    generation: str,
    segment: int,
    letters: list[DeadLetter],
    report: ReplayReport,
) -> None:
    state = generations.get_generation(projection=projection, generation=generation)
    if state.state == GenerationState.RETIRED:
        report.skipped.extend(letter.pk for letter in letters)
        return
    lease = leases.claim_waiting(
        projection=projection, generation=generation, segment=segment
    )
    try:
        _replay_letters(lease=lease, letters=letters, report=report)
    finally:
        lease.release()


def _replay_letters(
    *, lease: leases.Lease, letters: list[DeadLetter], report: ReplayReport
) -> None:
    spec = registry.get(lease.projection)
    store = generations.store_for(spec=spec, generation=lease.generation)
    failed: set[tuple[str, str]] = set()
    earlier = _earlier_parked(letters)
    for letter in letters:
        aggregate = aggregate_of(letter)
        if aggregate in failed or letter.pk in earlier:
            report.skipped.append(letter.pk)
            failed.add(aggregate)
            continue
        parked = apply_events(
            spec=spec, store=store, events=[letter], keepalive=lease.renew
        )
        if parked:
            _still_failing(letter, parked[0])
            failed.add(aggregate)
            report.failed.append(letter.pk)
        else:
            _resolve(letter)
            report.resolved.append(letter.pk)


def _earlier_parked(letters: list[DeadLetter]) -> set[int]:
    """Letters (of those chosen) with an unchosen parked letter of the same
    aggregate before them: replaying them first would overtake it."""
    chosen = {letter.pk for letter in letters}
    blocked: set[int] = set()
    for letter in letters:
        before = (
            DeadLetter.objects.filter(
                projection=letter.projection,
                generation=letter.generation,
                aggregate_type=letter.aggregate_type,
                aggregate_id=letter.aggregate_id,
                status=DeadLetterStatus.PARKED,
            )
            .filter(
                Q(txid__lt=letter.txid)
                | Q(txid=letter.txid, position__lt=letter.position)
            )
            .exclude(pk__in=chosen)
        )
        if before.exists():
            blocked.add(letter.pk)
    return blocked


def _still_failing(letter: DeadLetter, parked: Parked) -> None:
    letter.error = parked.failure.error
    letter.traceback = parked.failure.traceback
    letter.attempts += 1
    letter.save(update_fields=["error", "traceback", "attempts", "updated_at"])


def _resolve(letter: DeadLetter) -> None:
    letter.status = DeadLetterStatus.RESOLVED
    letter.resolved_at = timezone.now()
    letter.attempts += 1
    letter.save(update_fields=["status", "resolved_at", "attempts", "updated_at"])
    logger.info("dead letter %s resolved", letter.pk)
