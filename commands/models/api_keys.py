"""Keys of the read API's consumers (only their hashes)."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from commands.models.base import (
    OutboxedModel,
    version_at_least_one,
)

API_KEY_SCOPES = ("catalog:read", "orders:read")


class ApiKey(OutboxedModel):
    """A read-API key; only its sha256 is stored, the raw key is shown once."""

    write_hint = "commands.handlers.apikey: apikey_issue or apikey_revoke"

    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    scopes = ArrayField(
        models.CharField(max_length=32, choices=[(s, s) for s in API_KEY_SCOPES]),
        default=list,
    )
    active = models.BooleanField(default=True, editable=False)
    # None: never expires. Rotation sets it on the old key (its grace period).
    expires_at = models.DateTimeField(null=True, blank=True)
    version = models.BigIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["id"]
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(
                condition=Q(scopes__contained_by=list(API_KEY_SCOPES)),
                name="apikey_scopes_known",
            ),
            models.CheckConstraint(
                condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="apikey_key_hash_sha256_hex",
            ),
            version_at_least_one("apikey"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
