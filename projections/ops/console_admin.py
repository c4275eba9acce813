"""The ops console: a dashboard of every projection, with confirmed actions.

Hung on the generations' ModelAdmin (`console/...` under its URLs), linked
from the admin index. Every staff member sees it; members of the "Projection
operators" group (the `operate_projections` permission) may act. Each action
is confirmed on its own page (POST with CSRF) and written to the admin log.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone

from projections import registry
from projections.errors import UnknownProjection
from projections.models import GenerationState, ProjectionGeneration
from projections.ops import console, operations
from projections.ops.console_display import row_display

OPERATOR_PERMISSION = "projections.operate_projections"
OPERATORS_GROUP = "Projection operators"
REFRESH_SECONDS = 3


def can_operate(request: HttpRequest) -> bool:
    return request.user.has_perm(OPERATOR_PERMISSION)


class OpsConsoleMixin(admin.ModelAdmin):
    """The console's views, on the ModelAdmin of projection generations."""

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("console/", wrap(self.console_view), name="projections_console"),
            path(
                "console/<str:projection>/<str:action>/",
                wrap(self.console_action_view),
                name="projections_console_action",
            ),
            *super().get_urls(),
        ]

    def console_view(self, request: HttpRequest) -> HttpResponse:
        rows = [row_display(row) for row in console.dashboard()]
        if request.GET.get("format") == "json":
            return JsonResponse({"projections": rows, "at": timezone.now()})
        context = {
            **self.admin_site.each_context(request),
            "title": "Projections: ops console",
            "rows": rows,
            "can_operate": can_operate(request),
            "operations": operations.OPERATIONS.values(),
            "operators_group": OPERATORS_GROUP,
            "refresh_seconds": REFRESH_SECONDS,
            "json_url": f"{request.path}?format=json",
        }
        return TemplateResponse(request, "admin/projections/console.html", context)

    def console_action_view(
        self, request: HttpRequest, projection: str, action: str
    ) -> HttpResponse:
        if not can_operate(request):
            raise PermissionDenied
        operation = _operation(projection=projection, action=action)
        if request.method == "POST":
            return self._perform(request, projection=projection, operation=operation)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{operation.label} {projection}?",
            "projection": projection,
            "operation": operation,
            "console_url": reverse("admin:projections_console"),
        }
        return TemplateResponse(request, "admin/projections/confirm.html", context)

    def _perform(
        self,
        request: HttpRequest,
        *,
        projection: str,
        operation: operations.Operation,
    ) -> HttpResponse:
        outcome = operations.perform(
            name=operation.name,
            projection=projection,
            user=request.user.get_username(),
        )
        generation = _logged_generation(projection)
        if generation is not None:
            self.log_change(
                request,
                generation,
                f"Ops console: {operation.label}: {outcome.message}",
            )
        self.message_user(
            request,
            outcome.message,
            level=messages.SUCCESS if outcome.ok else messages.ERROR,
        )
        return redirect("admin:projections_console")


def _operation(*, projection: str, action: str) -> operations.Operation:
    try:
        registry.get(projection)
        return operations.operation(action)
    except (UnknownProjection, KeyError):
        raise Http404(f"no action {action!r} on projection {projection!r}") from None


def _logged_generation(projection: str) -> ProjectionGeneration | None:
    """The row the admin log names: the generation readers see, else the newest."""
    generations = ProjectionGeneration.objects.filter(projection=projection)
    return (
        generations.filter(state__in=(GenerationState.LIVE, GenerationState.LOST))
        .order_by("-updated_at")
        .first()
        or generations.order_by("-created_at").first()
    )
