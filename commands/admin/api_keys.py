"""Admin of read-API keys: issued here (shown once), rotated and revoked."""

from datetime import UTC, datetime, timedelta

import redis
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils.module_loading import import_string

from commands.admin.base import HandlerAdmin, run_each
from commands.handlers.apikey import apikey_issue, apikey_revoke, apikey_rotate
from commands.models import (
    API_KEY_SCOPES,
    ApiKey,
)


class ApiKeyIssueForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=[(s, s) for s in API_KEY_SCOPES],
        widget=forms.CheckboxSelectMultiple,
    )
    expires_at = forms.SplitDateTimeField(
        required=False,
        widget=AdminSplitDateTime,
        help_text="Optional. Leave empty for a key that never expires.",
    )

    class Meta:
        model = ApiKey
        fields = ["name", "scopes"]


API_KEY_FIELDS = [
    "name",
    "prefix",
    "scopes",
    "active",
    "expires_at",
    "last_used",
    "version",
    "created_at",
]


def _last_used(key_hashes: list[str]) -> dict[str, float]:
    """The read side's record of key use, found by setting (commands never imports
    projections)."""
    lookup = import_string(settings.CQRS["API_KEY_LAST_USED"])
    return lookup(key_hashes)


@admin.register(ApiKey)
class ApiKeyAdmin(HandlerAdmin):
    """Keys are issued here (the raw key is shown once), rotated and revoked by actions."""

    form = ApiKeyIssueForm
    list_display = API_KEY_FIELDS
    list_filter = ["active"]
    search_fields = ["name", "prefix"]
    actions = ["rotate_selected", "revoke_selected"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "scopes", "expires_at"]
        return API_KEY_FIELDS

    @admin.display(description="last used")
    def last_used(self, obj: ApiKey) -> str:
        """Noted by the read API at most once a minute per key (Redis)."""
        try:
            seen = _last_used([obj.key_hash]).get(obj.key_hash)
        except redis.RedisError:
            return "unknown (Redis unavailable)"
        if seen is None:
            return "never"
        return datetime.fromtimestamp(seen, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("commands.change_apikey")

    def save_model(self, request, obj, form, change):
        apikey, raw_key = apikey_issue(
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            expires_at=form.cleaned_data.get("expires_at"),
        )
        self.adopt(obj, apikey)
        self.message_user(
            request,
            f"API key for {apikey.name!r}: {raw_key} — copy it now, it is not stored "
            "and will not be shown again.",
            messages.WARNING,
        )

    @admin.action(
        description="Rotate selected API keys (the old ones expire after the grace "
        "period)",
        permissions=["revoke"],
    )
    def rotate_selected(self, request, queryset):
        grace = timedelta(seconds=settings.CQRS["API_KEY_ROTATION_GRACE_SECONDS"])
        run_each(
            self,
            request,
            queryset,
            command=lambda k: self._rotate(request, apikey=k, grace=grace),
            done="API keys rotated",
        )

    def _rotate(self, request, *, apikey: ApiKey, grace: timedelta) -> None:
        new, raw_key = apikey_rotate(apikey_id=apikey.pk, grace=grace)
        old = ApiKey.objects.get(pk=apikey.pk)
        self.message_user(
            request,
            f"New API key for {new.name!r}: {raw_key} — copy it now, it is not "
            f"stored and will not be shown again. The old key ({old.prefix}…) "
            f"keeps working until {old.expires_at:%Y-%m-%d %H:%M UTC}.",
            messages.WARNING,
        )

    @admin.action(description="Revoke selected API keys", permissions=["revoke"])
    def revoke_selected(self, request, queryset):
        run_each(
            self,
            request,
            queryset,
            command=lambda k: apikey_revoke(apikey_id=k.pk),
            done="API keys revoked",
        )
