"""Bookkeeping of rebuilds and rollbacks: one `RebuildRun` row per attempt.

Imported by `projections.models`, so Django sees these as models of the
`projections` app.
"""

from django.db import models

__all__ = ["RebuildKind", "RebuildRun", "RebuildStage", "RebuildState"]


class RebuildKind(models.TextChoices):
    REBUILD = "rebuild"
    ROLLBACK = "rollback"


class RebuildState(models.TextChoices):
    PENDING = "pending"  # enqueued from the admin, not picked up yet
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # stopped with an error; `--resume` continues it
    ABANDONED = "abandoned"  # a later rebuild started over instead of resuming


class RebuildStage(models.TextChoices):
    WAITING = "waiting"
    LOADING = "loading"  # streaming the snapshot into the new generation
    CATCHING_UP = "catching_up"  # following the outbox from the snapshot
    SWAPPING = "swapping"
    DONE = "done"


UNFINISHED = (RebuildState.PENDING, RebuildState.RUNNING, RebuildState.FAILED)


class RebuildRun(models.Model):
    """One rebuild (or rollback) of a projection, with its progress.

    `last_pk` is the primary key of the last write-model row whose document
    is known to be written, and `snapshot_xmin` the xmin of the first
    snapshot: together they let `--resume` continue the same generation.
    """

    projection = models.CharField(max_length=64)
    kind = models.CharField(
        max_length=16, choices=RebuildKind.choices, default=RebuildKind.REBUILD
    )
    generation = models.CharField(max_length=32, blank=True, default="")
    previous_generation = models.CharField(max_length=32, blank=True, default="")
    state = models.CharField(
        max_length=16, choices=RebuildState.choices, default=RebuildState.PENDING
    )
    stage = models.CharField(
        max_length=16, choices=RebuildStage.choices, default=RebuildStage.WAITING
    )
    batch_size = models.PositiveIntegerField(default=1000)
    keep = models.PositiveSmallIntegerField(default=1)
    rows_total = models.BigIntegerField(default=0)
    rows_done = models.BigIntegerField(default=0)
    rate = models.FloatField(default=0.0, help_text="rows per second while loading")
    last_pk = models.BigIntegerField(null=True, blank=True)
    snapshot_xmin = models.BigIntegerField(null=True, blank=True)
    requested_by = models.CharField(max_length=150, blank=True, default="")
    error = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["projection", "state"], name="rebuildrun_state"),
        ]

    def __str__(self) -> str:
        target = f" generation {self.generation}" if self.generation else ""
        return f"{self.kind} of {self.projection}{target} ({self.state})"

    @property
    def percent(self) -> float:
        if not self.rows_total:
            return 100.0 if self.stage == RebuildStage.DONE else 0.0
        return min(100.0, 100.0 * self.rows_done / self.rows_total)
