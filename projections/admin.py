"""Admin views of the engine: dead letters (with retry), checkpoints, generations."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from projections import deadletters
from projections.errors import SegmentBusy
from projections.models import DeadLetter, ProjectionGeneration, SegmentCheckpoint


@admin.register(DeadLetter)
class DeadLetterAdmin(admin.ModelAdmin):
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
        "checkpoint_txid",
        "checkpoint_position",
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


@admin.register(ProjectionGeneration)
class ProjectionGenerationAdmin(admin.ModelAdmin):
    list_display = ("projection", "generation", "state", "segments", "created_at")
    list_filter = ("projection", "state")
    readonly_fields = [field.name for field in ProjectionGeneration._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


from projections import rebuild_admin  # noqa: E402,F401
