"""Loading aggregates for a change: lock, check the expected version, bump it."""

from typing import TypeVar

from django.db import models

from commands.errors import NotFound, StaleVersion

M = TypeVar("M", bound=models.Model)


class Unset:
    """Marks a keyword argument the caller did not pass (partial updates)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()


def lock_for_change(
    queryset: models.QuerySet[M],
    *,
    pk: object,
    label: str,
    expected_version: int | None = None,
) -> M:
    """The row, locked `FOR UPDATE`; `NotFound` or `StaleVersion` otherwise."""
    try:
        obj = queryset.select_for_update(of=("self",)).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(model=label, pk=pk) from None
    check_version(obj, label=label, expected_version=expected_version)
    return obj


def check_version(
    obj: models.Model, *, label: str, expected_version: int | None
) -> None:
    """`If-Match`: refuse a change made against a version that is no longer current."""
    if expected_version is not None and obj.version != expected_version:
        raise StaleVersion(
            model=label, pk=obj.pk, expected=expected_version, actual=obj.version
        )


def bump(obj: models.Model) -> None:
    """Every change of an aggregate root raises its version by one."""
    obj.version += 1
