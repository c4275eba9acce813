"""The outbox table: append-only, pruned only by `manage.py prune_outbox`."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from commands.errors import BulkWriteRefused
from commands.models.base import (
    Xid8Field,
)


class OutboxEventQuerySet(models.QuerySet):
    """The outbox is append-only; rows leave only through `outbox_prune`."""

    def update(self, **kwargs):
        raise _outbox_refusal("QuerySet.update()")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise _outbox_refusal("QuerySet.bulk_update()")

    def delete(self):
        raise _outbox_refusal("QuerySet.delete()")


def _outbox_refusal(operation: str) -> Exception:
    return BulkWriteRefused(
        f"OutboxEvent: {operation} refused: the outbox is append-only; events are "
        "added by commands.outbox.outbox_append and removed by `manage.py prune_outbox`"
    )


class OutboxEvent(models.Model):
    """One event, written in the transaction that made the change (see CONTRACTS)."""

    position = models.BigAutoField(primary_key=True)
    txid = Xid8Field(
        db_default=models.Func(function="pg_current_xact_id", output_field=Xid8Field()),
        editable=False,
    )
    event_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    aggregate_type = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=64)
    aggregate_version = models.BigIntegerField()
    shard = models.SmallIntegerField()
    event_type = models.CharField(max_length=100)
    schema_version = models.SmallIntegerField(default=1)
    payload = models.JSONField()
    occurred_at = models.DateTimeField(default=timezone.now)
    correlation_id = models.CharField(max_length=64, blank=True, default="")

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        indexes = [
            models.Index(fields=["txid", "position"], name="outbox_txid_position"),
            models.Index(
                fields=["aggregate_type", "aggregate_id"], name="outbox_aggregate"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(shard__gte=0, shard__lte=255), name="outbox_shard_range"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"#{self.position} {self.event_type} "
            f"{self.aggregate_type}:{self.aggregate_id} v{self.aggregate_version}"
        )

    def delete(self, *args, **kwargs):
        raise _outbox_refusal("delete()")
