"""The admin's base classes: saves, deletes and actions run command handlers."""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from commands.errors import DomainError


class HandlerAdmin(admin.ModelAdmin):
    """Saves and deletes through handlers; a refused command becomes an error message."""

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def _refused(self, request: HttpRequest, exc: DomainError) -> HttpResponse:
        self.message_user(request, f"Not saved: {exc}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def adopt(self, obj: models.Model, saved: models.Model) -> None:
        """Point the admin's unsaved form object at the row the handler wrote."""
        obj.pk = saved.pk
        obj.refresh_from_db()


def run_each(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: Iterable[models.Model],
    *,
    command: Callable[[models.Model], object],
    done: str,
) -> None:
    """An admin action body: one handler call per selected row, each its own transaction."""
    succeeded = 0
    for obj in queryset:
        try:
            command(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{succeeded} {done}.", messages.SUCCESS)


class ReadOnlyPermissions:
    """Nobody adds, changes or deletes through this admin or inline."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    pass
