"""What every write model shares: timestamps, the handler-only write guard, xid8."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from commands.write_guard import refuse_outside_handler


class Xid8Field(models.Field):
    """PostgreSQL `xid8` (a 64-bit transaction id); an int in Python."""

    description = "PostgreSQL 64-bit transaction id"

    def db_type(self, connection):
        return "xid8"

    def from_db_value(self, value, expression, connection):
        return None if value is None else int(value)

    def to_python(self, value):
        return None if value is None else int(value)

    def get_prep_value(self, value):
        # Sent as a string literal: PostgreSQL casts text to xid8, not bigint to xid8.
        value = super().get_prep_value(value)
        return None if value is None else str(int(value))


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class OutboxedQuerySet(models.QuerySet):
    """Refuses bulk writes outside command handlers: they would skip the outbox."""

    def update(self, **kwargs):
        refuse_outside_handler(model=self.model, operation="QuerySet.update()")
        return super().update(**kwargs)

    def bulk_create(self, objs, *args, **kwargs):
        refuse_outside_handler(model=self.model, operation="QuerySet.bulk_create()")
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        refuse_outside_handler(model=self.model, operation="QuerySet.bulk_update()")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def delete(self):
        refuse_outside_handler(model=self.model, operation="QuerySet.delete()")
        return super().delete()


class OutboxedModel(TimestampedModel):
    """A model whose changes must reach the outbox; writable only by handlers."""

    write_hint = "the functions in commands.handlers"

    objects = OutboxedQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        refuse_outside_handler(model=type(self), operation="save()")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_outside_handler(model=type(self), operation="delete()")
        return super().delete(*args, **kwargs)


def version_at_least_one(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(version__gte=1), name=f"{name}_version_gte_1"
    )


def stamp_at_least_one(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(stamp__gte=1), name=f"{name}_stamp_gte_1")
