"""Admin for rebuilds: start one (it runs as a Dramatiq task) and watch its progress.

"Add rebuild run" is how staff start a rebuild: the form asks for the
projection, batch size and generations to keep, and saving it queues the
task. Existing runs are read-only; their progress updates as they load.
"""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from projections import registry
from projections.rebuilds.actors import enqueue_rebuild, queue_rebuild
from projections.rebuilds.models import (
    RebuildKind,
    RebuildRun,
    RebuildState,
)

START_FIELDS = ("projection", "batch_size", "keep")
INTERRUPTED = (RebuildState.RUNNING, RebuildState.FAILED)


class StartRebuildForm(forms.ModelForm):
    projection = forms.ChoiceField(choices=lambda: [(n, n) for n in registry.names()])

    class Meta:
        model = RebuildRun
        fields = START_FIELDS


@admin.register(RebuildRun)
class RebuildRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "projection",
        "kind",
        "generation",
        "state",
        "stage",
        "progress",
        "rows_per_second",
        "requested_by",
        "started_at",
        "finished_at",
        "short_error",
    )
    list_filter = ("projection", "kind", "state")
    actions = ("rebuild_again", "resume")
    form = StartRebuildForm

    def get_fields(
        self, request: HttpRequest, obj: RebuildRun | None = None
    ) -> list[str | list[str] | tuple[str, ...]]:
        return list(self._field_names(obj))

    def get_readonly_fields(
        self, request: HttpRequest, obj: RebuildRun | None = None
    ) -> list[str]:
        return [] if obj is None else self._field_names(obj)

    @staticmethod
    def _field_names(obj: RebuildRun | None) -> list[str]:
        if obj is None:
            return list(START_FIELDS)
        return [field.name for field in RebuildRun._meta.fields]

    @admin.display(description="progress")
    def progress(self, run: RebuildRun) -> str:
        return f"{run.rows_done:,} / {run.rows_total:,} ({run.percent:.0f}%)"

    @admin.display(description="rows/s")
    def rows_per_second(self, run: RebuildRun) -> str:
        return f"{run.rate:,.0f}"

    @admin.display(description="error")
    def short_error(self, run: RebuildRun) -> str:
        return run.error[:120]

    def save_model(
        self, request: HttpRequest, obj: RebuildRun, form: forms.Form, change: bool
    ) -> None:
        obj.requested_by = request.user.get_username()
        obj.state = RebuildState.PENDING
        super().save_model(request, obj, form, change)
        transaction.on_commit(lambda: enqueue_rebuild(obj))
        self.message_user(
            request,
            f"Rebuild of {obj.projection} queued (run {obj.pk}); readers keep the "
            "live generation until the swap.",
        )

    @admin.action(description="Rebuild the selected runs' projections again")
    def rebuild_again(
        self, request: HttpRequest, queryset: QuerySet[RebuildRun]
    ) -> None:
        projections = sorted(set(queryset.values_list("projection", flat=True)))
        for projection in projections:
            queue_rebuild(
                projection=projection, requested_by=request.user.get_username()
            )
        self.message_user(request, f"Queued rebuilds of {', '.join(projections)}.")

    @admin.action(description="Resume the selected interrupted rebuilds")
    def resume(self, request: HttpRequest, queryset: QuerySet[RebuildRun]) -> None:
        runs = list(queryset.filter(kind=RebuildKind.REBUILD, state__in=INTERRUPTED))
        for run in runs:
            transaction.on_commit(partial(enqueue_rebuild, run, resume=True))
        skipped = queryset.count() - len(runs)
        level = messages.WARNING if skipped else messages.SUCCESS
        self.message_user(
            request,
            f"Queued {len(runs)} resume(s); skipped {skipped} run(s) that are not "
            "interrupted rebuilds.",
            level=level,
        )

    def has_change_permission(
        self, request: HttpRequest, obj: RebuildRun | None = None
    ) -> bool:
        return False  # a run is a record; start another instead

    def has_delete_permission(
        self, request: HttpRequest, obj: RebuildRun | None = None
    ) -> bool:
        return False
