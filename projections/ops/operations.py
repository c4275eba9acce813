"""What an operator can do to a projection from the ops console.

Each operation is the function the staff commands and admin actions already
use (`deadletters.replay`, the rebuild task, `rollback_projection`,
`verify_projection`); this module gives them one shape for the console:
a name, a sentence for the confirmation page and a result to show and log.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from projections import actors, registry
from projections.errors import ProjectionError, SegmentBusy
from projections.lifecycle import generations
from projections.models import (
    DeadLetter,
    DeadLetterStatus,
    SegmentCheckpoint,
)
from projections.rebuilds.actors import queue_rebuild, rollback_projection_task
from projections.rebuilds.models import RebuildRun, RebuildState
from projections.rebuilds.rollback import plan_rollback
from projections.running import deadletters
from projections.verification.verify import verify_projection

VERIFY_SAMPLE = 200
VERIFY_SETTLE_SECONDS = 5.0


@dataclass(frozen=True)
class Outcome:
    """What happened, in a sentence for the operator and the admin log."""

    message: str
    ok: bool = True


@dataclass(frozen=True)
class Operation:
    name: str
    label: str
    explanation: str
    run: Callable[..., Outcome]


def pause(*, projection: str, user: str) -> Outcome:
    """Stop new runs of every segment of the current generation."""
    count = _checkpoints(projection).update(paused=True, updated_at=timezone.now())
    return Outcome(
        f"Paused {projection} ({count} segments): no new runs start; a run under "
        "way finishes its batch."
    )


def resume(*, projection: str, user: str) -> Outcome:
    """Let the segments run again, and wake them at once."""
    count = _checkpoints(projection).update(paused=False, updated_at=timezone.now())
    live = generations.live_generation(projection)
    if live is not None:
        transaction.on_commit(lambda: _wake(projection, live.segments))
    return Outcome(f"Resumed {projection} ({count} segments).")


def replay_dead_letters(*, projection: str, user: str) -> Outcome:
    """Retry the projection's parked events in outbox order."""
    try:
        report = deadletters.replay(projection=projection)
    except SegmentBusy as exc:
        return Outcome(f"{exc}; try again when the segment is free.", ok=False)
    return Outcome(
        f"Replayed the dead letters of {projection}: resolved "
        f"{len(report.resolved)}, still failing {len(report.failed)}, left behind "
        f"them {len(report.skipped)}.",
        ok=not report.failed,
    )


def rebuild(*, projection: str, user: str) -> Outcome:
    """Queue a zero-downtime rebuild (the same task as the admin's "Add rebuild run")."""
    if _run_under_way(projection):
        return Outcome(
            f"A rebuild or rollback of {projection} is already under way.", ok=False
        )
    run = queue_rebuild(projection=projection, requested_by=user)
    return Outcome(
        f"Rebuild of {projection} queued (run {run.pk}); readers keep the live "
        "generation until the swap."
    )


def rollback(*, projection: str, user: str) -> Outcome:
    """Queue the swap back to the newest retired generation, if there is one."""
    if _run_under_way(projection):
        return Outcome(
            f"A rebuild or rollback of {projection} is already under way.", ok=False
        )
    try:
        plan = plan_rollback(projection=projection)
    except ProjectionError as exc:
        return Outcome(str(exc), ok=False)
    transaction.on_commit(lambda: rollback_projection_task.send(projection))
    return Outcome(f"Rollback queued: {plan.describe()}")


def verify(*, projection: str, user: str, sample: int = VERIFY_SAMPLE) -> Outcome:
    """Compare a random sample of the write model with the live read model."""
    try:
        report = verify_projection(
            projection=projection,
            sample=sample,
            settle_timeout=VERIFY_SETTLE_SECONDS,
        )
    except ProjectionError as exc:
        return Outcome(f"Verification of {projection} failed: {exc}", ok=False)
    if not report.drifted:
        return Outcome(f"Verified {projection}: {report.summary()}: no drift.")
    return Outcome(
        f"Verified {projection}: {report.summary()}. Repair with "
        f"`manage.py verify_projection {projection} --repair` or rebuild it.",
        ok=False,
    )


OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        Operation(
            "pause",
            "Pause",
            "No new projector run starts for any segment of the live generation "
            "until you resume it; events wait in the outbox (lag grows).",
            pause,
        ),
        Operation(
            "resume",
            "Resume",
            "The segments run again and are woken at once.",
            resume,
        ),
        Operation(
            "replay",
            "Replay letters",
            "Retry every parked event of this projection in outbox order; those "
            "that now apply are resolved.",
            replay_dead_letters,
        ),
        Operation(
            "rebuild",
            "Rebuild",
            "Build a new generation from the write model beside the live one, "
            "catch it up and swap readers over atomically (zero downtime).",
            rebuild,
        ),
        Operation(
            "rollback",
            "Roll back",
            "Catch up the newest retired generation and swap readers back to it.",
            rollback,
        ),
        Operation(
            "verify",
            "Verify (sample)",
            f"Compare {VERIFY_SAMPLE} random write-model rows with the live read "
            "model and report drift (changes nothing).",
            verify,
        ),
    )
}


def operation(name: str) -> Operation:
    """The operation called `name`; KeyError if there is none."""
    return OPERATIONS[name]


def perform(*, name: str, projection: str, user: str) -> Outcome:
    """Carry out operation `name` on `projection` (a registered name)."""
    registry.get(projection)
    try:
        return OPERATIONS[name].run(projection=projection, user=user)
    except ProjectionError as exc:
        return Outcome(
            f"{OPERATIONS[name].label} of {projection} refused: {exc}", ok=False
        )


def skip_dead_letter(*, letter: DeadLetter, reason: str, user: str) -> Outcome:
    """Give up on a parked event: it stops holding its aggregate back."""
    updated = DeadLetter.objects.filter(
        pk=letter.pk, status=DeadLetterStatus.PARKED
    ).update(
        status=DeadLetterStatus.SKIPPED,
        operator_reason=reason,
        operator=user,
        resolved_at=timezone.now(),
        updated_at=timezone.now(),
    )
    if not updated:
        return Outcome(f"Dead letter {letter.pk} is not parked any more.", ok=False)
    behind = held_back(letter).count()
    return Outcome(
        f"Skipped dead letter {letter.pk} ({reason}); {behind} later event(s) of "
        "its aggregate are still parked: retry them."
    )


def retry_dead_letter(*, letter: DeadLetter, reason: str, user: str) -> Outcome:
    """Retry one parked event (and record why)."""
    DeadLetter.objects.filter(pk=letter.pk).update(
        operator_reason=reason, operator=user, updated_at=timezone.now()
    )
    try:
        report = deadletters.replay(ids=[letter.pk])
    except SegmentBusy as exc:
        return Outcome(
            f"{exc}; try again when the segment is free ({reason}).", ok=False
        )
    if report.resolved:
        return Outcome(f"Dead letter {letter.pk} applied and resolved ({reason}).")
    if report.skipped:
        return Outcome(
            f"Dead letter {letter.pk} waits behind an earlier parked event of its "
            f"aggregate: retry that one first ({reason}).",
            ok=False,
        )
    return Outcome(
        f"Dead letter {letter.pk} still fails: see its error ({reason}).", ok=False
    )


def held_back(letter: DeadLetter) -> QuerySet[DeadLetter]:
    """Later parked events of the letter's aggregate, waiting behind it."""
    return DeadLetter.objects.filter(
        projection=letter.projection,
        generation=letter.generation,
        aggregate_type=letter.aggregate_type,
        aggregate_id=letter.aggregate_id,
        status=DeadLetterStatus.PARKED,
    ).filter(
        Q(txid__gt=letter.txid) | Q(txid=letter.txid, position__gt=letter.position)
    )


def _checkpoints(projection: str) -> QuerySet[SegmentCheckpoint]:
    current = generations.current_generation(projection)
    if current is None:
        raise ProjectionError(f"{projection} has no live generation yet")
    return SegmentCheckpoint.objects.filter(
        projection=projection, generation=current.generation
    )


def _wake(projection: str, segments: int) -> None:
    for segment in range(segments):
        actors.send_deduplicated(
            projection=projection, segment=segment, generation=None
        )


def _run_under_way(projection: str) -> bool:
    return RebuildRun.objects.filter(
        projection=projection, state__in=(RebuildState.PENDING, RebuildState.RUNNING)
    ).exists()
