"""Read-only admin of the outbox and the write API's idempotency records."""

from django.contrib import admin

from commands.admin.base import ReadOnlyAdmin
from commands.models import (
    IdempotencyRecord,
    OutboxEvent,
)


@admin.register(OutboxEvent)
class OutboxEventAdmin(ReadOnlyAdmin):
    list_display = [
        "position",
        "txid",
        "event_type",
        "aggregate_type",
        "aggregate_id",
        "aggregate_version",
        "shard",
        "occurred_at",
        "correlation_id",
    ]
    list_filter = ["aggregate_type", "event_type", "occurred_at"]
    search_fields = ["=aggregate_id"]
    show_full_result_count = False
    ordering = ["-position"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ["key", "user", "response_status", "created_at"]
    search_fields = ["key"]
