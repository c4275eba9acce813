"""Responses remembered for the write API's `Idempotency-Key`."""

from django.conf import settings
from django.db import models

from commands.models.base import (
    TimestampedModel,
)


class IdempotencyRecord(TimestampedModel):
    """The first response to a write-API request sent with an `Idempotency-Key`."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.SmallIntegerField()
    response_body = models.JSONField()
    response_headers = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="idempotency_one_per_user_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.response_status}"
