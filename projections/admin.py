"""Admin views of the engine: dead letters (with retry), checkpoints, generations."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from projections.errors import SegmentBusy
from projections.models import (
    DeadLetter,
    GenerationState,
    ProjectionGeneration,
    SegmentCheckpoint,
)
from projections.ops.console_admin import OpsConsoleMixin
from projections.ops.deadletter_admin import DeadLetterConsoleMixin
from projections.outbox import holders
from projections.rebuilds import healing
from projections.running import deadletters


@admin.register(DeadLetter)
class DeadLetterAdmin(DeadLetterConsoleMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "projection",
        "segment",
        "event_type",
        "aggregate_type",
        "aggregate_id",
        "aggregate_version",
        "status",
        "attempts",
        "short_error",
        "operator_reason",
        "created_at",
    )
    list_filter = ("status", "projection", "event_type", "aggregate_type")
    search_fields = ("aggregate_id", "event_id", "error", "correlation_id")
    ordering = ("projection", "txid", "position")
    actions = ("retry",)
    readonly_fields = [field.name for field in DeadLetter._meta.fields]

    @admin.display(description="error")
    def short_error(self, letter: DeadLetter) -> str:
        return letter.error[:120]

    @admin.action(description="Retry selected dead letters (in outbox order)")
    def retry(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        try:
            report = deadletters.replay(ids=queryset.values_list("pk", flat=True))
        except SegmentBusy as exc:
            self.message_user(request, str(exc), level=messages.ERROR)
            return
        level = (
            messages.WARNING if report.failed or report.skipped else messages.SUCCESS
        )
        self.message_user(
            request,
            f"resolved {len(report.resolved)}, still failing {len(report.failed)}, "
            f"skipped {len(report.skipped)} (waiting behind an unresolved letter)",
            level=level,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: DeadLetter | None = None
    ) -> bool:
        return False


@admin.register(SegmentCheckpoint)
class SegmentCheckpointAdmin(admin.ModelAdmin):
    list_display = (
        "projection",
        "generation",
        "segment",
        "checkpoint_snapshot",
        "horizon",
        "events_applied",
        "paused",
        "lease_expires_at",
        "last_progress_at",
        "last_error",
    )
    list_filter = ("projection", "generation", "paused")
    list_editable = ("paused",)
    readonly_fields = [
        field.name for field in SegmentCheckpoint._meta.fields if field.name != "paused"
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Name the open transactions the checkpoints wait for, above the list."""
        for holder in _holders_of_checkpoints():
            self.message_user(
                request,
                f"Projections wait for the events of open transaction {holder}; "
                "they arrive when it commits.",
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


def _holders_of_checkpoints() -> list[holders.Holder]:
    running = holders.open_writers()
    found: dict[int, holders.Holder] = {}
    for checkpoint in SegmentCheckpoint.objects.values_list(
        "checkpoint_snapshot", flat=True
    ).distinct():
        for holder in holders.holding(running=running, checkpoint=checkpoint):
            found[holder.pid] = holder
    return sorted(found.values(), key=lambda h: -h.age_seconds)


@admin.register(ProjectionGeneration)
class ProjectionGenerationAdmin(OpsConsoleMixin, admin.ModelAdmin):
    list_display = ("projection", "generation", "condition", "segments", "created_at")
    list_filter = ("projection", "state")
    readonly_fields = [field.name for field in ProjectionGeneration._meta.fields]

    @admin.display(description="state", ordering="state")
    def condition(self, generation: ProjectionGeneration) -> str:
        """The state; a lost generation says whether its rebuild is running."""
        if generation.state == GenerationState.LOST:
            return healing.loss_state(generation.projection)
        return generation.state

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# The admin index links the ops console (projections/ops/console_admin.py).
admin.site.index_template = "admin/projections/index.html"

from projections.rebuilds import admin as rebuild_admin  # noqa: E402,F401
