"""Write-model I/O of the `api_keys` projection."""

from collections.abc import Iterable, Sequence
from typing import Any

from commands.models import ApiKey
from projections.events import Event

FIELDS = ("id", "name", "key_hash", "scopes", "active", "expires_at", "version")


def keys_for(event: Event) -> Iterable[str]:
    return [str(event.aggregate_id)]


def load(keys: Sequence[str]) -> dict[str, dict[str, Any]]:
    rows = ApiKey.objects.filter(id__in=[int(k) for k in keys])
    return {str(row["id"]): row for row in rows.values(*FIELDS)}
