"""Aggregates in a change: lock, check the expected version, bump it, and describe
the change as an event."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models

from commands import events
from commands.errors import NotFound, StaleVersion
from commands.models import ApiKey, Category, Customer, Order, Product, StockItem
from commands.outbox import NewEvent
from commands.serializers_state import (
    apikey_state,
    category_state,
    customer_state,
    order_state,
    product_state,
    stock_state,
)

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


# Each aggregate root's type name in the outbox and its full-state payload.
_EVENT_SHAPES: dict[type[models.Model], tuple[str, Callable[[Any], dict[str, Any]]]] = {
    ApiKey: (events.APIKEY, apikey_state),
    Category: (events.CATEGORY, category_state),
    Customer: (events.CUSTOMER, customer_state),
    Order: (events.ORDER, order_state),
    Product: (events.PRODUCT, product_state),
    StockItem: (events.STOCK, stock_state),
}


def aggregate_event(
    aggregate: models.Model, *, event_type: str, extra: dict[str, Any] | None = None
) -> NewEvent:
    """The event of one change: the aggregate's full state after it (plus `extra`)."""
    aggregate_type, state = _EVENT_SHAPES[type(aggregate)]
    return NewEvent(
        aggregate_type=aggregate_type,
        aggregate_id=aggregate.pk,
        version=aggregate.version,
        event_type=event_type,
        payload={**state(aggregate), **(extra or {})},
    )
