"""The dead-letter page of the ops console: what failed, what waits, retry or skip.

The change page of a dead letter shows its error and traceback, the event
payload, its aggregate and the later events of that aggregate it holds back;
operators retry or skip it there, giving a reason that is stored on the
letter, shown with it and written to the admin log.
"""

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from projections.models import DeadLetter
from projections.ops import operations
from projections.ops.console_admin import can_operate

RESOLVERS = {
    "retry": operations.retry_dead_letter,
    "skip": operations.skip_dead_letter,
}


class ResolveForm(forms.Form):
    action = forms.ChoiceField(choices=[("retry", "Retry"), ("skip", "Skip")])
    reason = forms.CharField(max_length=500, strip=True)


class DeadLetterConsoleMixin(admin.ModelAdmin):
    """Retry or skip one dead letter, with a reason, from its change page."""

    change_form_template = "admin/projections/deadletter_change_form.html"

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:letter_id>/resolve/",
                self.admin_site.admin_view(require_POST(self.resolve_view)),
                name="projections_deadletter_resolve",
            ),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        letter = DeadLetter.objects.filter(pk=object_id).first()
        context = dict(extra_context or {})
        if letter is not None:
            context.update(
                letter=letter,
                payload_json=json.dumps(letter.payload, indent=2, sort_keys=True),
                held_back=list(operations.held_back(letter)),
                can_operate=can_operate(request),
                resolve_form=ResolveForm(),
            )
        return super().change_view(request, object_id, form_url, context)

    def resolve_view(self, request: HttpRequest, letter_id: int) -> HttpResponse:
        if not can_operate(request):
            raise PermissionDenied
        letter = get_object_or_404(DeadLetter, pk=letter_id)
        form = ResolveForm(request.POST)
        if not form.is_valid():
            self.message_user(
                request,
                "Nothing done: give a reason (up to 500 characters) and choose "
                "retry or skip.",
                level=messages.ERROR,
            )
            return redirect("admin:projections_deadletter_change", letter.pk)
        outcome = _resolve(request, letter=letter, data=form.cleaned_data)
        self.log_change(request, letter, f"Ops console: {outcome.message}")
        self.message_user(
            request,
            outcome.message,
            level=messages.SUCCESS if outcome.ok else messages.ERROR,
        )
        return redirect("admin:projections_deadletter_change", letter.pk)


def _resolve(
    request: HttpRequest, *, letter: DeadLetter, data: dict[str, str]
) -> operations.Outcome:
    act = RESOLVERS[data["action"]]
    return act(letter=letter, reason=data["reason"], user=request.user.get_username())
