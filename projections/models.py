"""Bookkeeping of the projection engine: generations, checkpoints, dead letters."""

from django.db import models

from projections.visibility import NOTHING


class GenerationState(models.TextChoices):
    BUILDING = "building"
    LIVE = "live"
    # Was live, but its store lost the data (see projections.rebuilds.healing): readers
    # get 503 and a rebuild replaces it.
    LOST = "lost"
    RETIRED = "retired"


class ProjectionGeneration(models.Model):
    """One build of a read model: an OpenSearch index or a Redis namespace."""

    projection = models.CharField(max_length=64)
    generation = models.CharField(max_length=32)
    state = models.CharField(
        max_length=16, choices=GenerationState.choices, default=GenerationState.LIVE
    )
    # Fixed for the life of the generation: checkpoints are per segment.
    segments = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["projection", "created_at", "id"]
        permissions = [
            (
                "operate_projections",
                "Can pause, resume, rebuild, roll back and verify projections and "
                "retry or skip dead letters (ops console)",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["projection", "generation"], name="generation_unique"
            ),
            models.UniqueConstraint(
                fields=["projection"],
                condition=models.Q(state="live"),
                name="generation_one_live",
            ),
            models.CheckConstraint(
                condition=models.Q(segments__gte=1, segments__lte=256),
                name="generation_segments_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.projection} generation {self.generation} ({self.state})"


class SegmentCheckpoint(models.Model):
    """Progress and lease of one segment of one generation of a projection.

    `checkpoint_snapshot` (a `pg_snapshot`) sees every transaction whose events
    the segment has applied. While a pair of snapshots is read in pages,
    `target_snapshot` ends the pair and `(checkpoint_txid, checkpoint_position)`
    is the last event applied within it (both empty/zero between pairs).
    `horizon` is the checkpoint's xmin: every txid below it is applied. The lease
    (`lease_owner`, `lease_expires_at`) admits one runner at a time, and
    `fence` grows on every claim: progress is written `WHERE fence = <mine>`,
    so a runner that lost its lease can never move the checkpoint.
    """

    projection = models.CharField(max_length=64)
    generation = models.CharField(max_length=32)
    segment = models.PositiveSmallIntegerField()
    checkpoint_snapshot = models.TextField(default=NOTHING)
    target_snapshot = models.TextField(blank=True, default="")
    checkpoint_txid = models.BigIntegerField(default=0)
    checkpoint_position = models.BigIntegerField(default=0)
    horizon = models.BigIntegerField(default=0)
    fence = models.BigIntegerField(default=0)
    lease_owner = models.CharField(max_length=64, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Set by a run that found the lease taken, so the holder goes round once more.
    wanted = models.BooleanField(default=False)
    paused = models.BooleanField(default=False)
    events_applied = models.BigIntegerField(default=0)
    last_progress_at = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["projection", "generation", "segment"]
        constraints = [
            models.UniqueConstraint(
                fields=["projection", "generation", "segment"],
                name="checkpoint_unique",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.projection}/{self.generation}/{self.segment} "
            f"at {self.checkpoint_snapshot}"
        )


class DeadLetterStatus(models.TextChoices):
    PARKED = "parked"
    RESOLVED = "resolved"
    # An operator gave up on it (with a reason): it no longer holds its
    # aggregate back, and is never applied.
    SKIPPED = "skipped"


class DeadLetter(models.Model):
    """An outbox event a projection could not apply, kept with its error.

    `blocked_by` points at the earlier dead letter of the same aggregate this
    one waits behind (events of one aggregate never overtake each other).
    """

    projection = models.CharField(max_length=64)
    generation = models.CharField(max_length=32)
    segment = models.PositiveSmallIntegerField()
    position = models.BigIntegerField()
    txid = models.BigIntegerField()
    event_id = models.UUIDField()
    aggregate_type = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=64)
    aggregate_version = models.BigIntegerField()
    shard = models.SmallIntegerField()
    event_type = models.CharField(max_length=100)
    schema_version = models.SmallIntegerField(default=1)
    payload = models.JSONField()
    occurred_at = models.DateTimeField()
    correlation_id = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(
        max_length=16,
        choices=DeadLetterStatus.choices,
        default=DeadLetterStatus.PARKED,
    )
    error = models.TextField()
    traceback = models.TextField(blank=True, default="")
    blocked_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blocking",
    )
    attempts = models.PositiveIntegerField(default=1)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Why an operator retried or skipped it, and who (from the ops console).
    operator_reason = models.TextField(blank=True, default="")
    operator = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["projection", "txid", "position"]
        indexes = [
            models.Index(
                fields=["projection", "generation", "segment", "status"],
                name="deadletter_segment_status",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["projection", "generation", "event_id"],
                name="deadletter_event_once",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.projection}: {self.event_type} "
            f"{self.aggregate_type}:{self.aggregate_id} v{self.aggregate_version}"
        )


# Rebuild runs live with the rebuild code; Django finds models through this module.
from projections.rebuilds.models import (  # noqa: E402, F401
    RebuildKind,
    RebuildRun,
    RebuildStage,
    RebuildState,
)
