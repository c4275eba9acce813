"""Keeps every write of an outboxed model inside a command handler.

Command handlers append outbox events in the transaction that changes the rows, so a
write made anywhere else (a bulk queryset call, a shell `save()`, the admin's default
"delete selected") would change the write model without telling the read models.
Those paths raise `BulkWriteRefused`; handlers open a write scope with
`command_handler`, which is `transaction.atomic` plus that permission.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import ParamSpec, TypeVar

from django.db import transaction

from commands.errors import BulkWriteRefused

_in_handler: ContextVar[bool] = ContextVar("commands_in_handler", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def handler_write_scope() -> Iterator[None]:
    """Allow writes of outboxed models; for handlers (and benchmarks' baselines)."""
    token = _in_handler.set(True)
    try:
        yield
    finally:
        _in_handler.reset(token)


def in_handler_scope() -> bool:
    return _in_handler.get()


def refuse_outside_handler(*, model: type, operation: str) -> None:
    """Raise `BulkWriteRefused` unless a command handler is running."""
    if _in_handler.get():
        return
    hint = getattr(model, "write_hint", "the functions in commands.handlers")
    raise BulkWriteRefused(
        f"{model.__name__}: {operation} would bypass the transactional outbox and "
        f"leave the read models stale; use {hint} instead"
    )


def command_handler(func: Callable[P, R]) -> Callable[P, R]:
    """Run `func` as a command handler: in `transaction.atomic`, allowed to write."""

    @functools.wraps(func)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction.atomic(), handler_write_scope():
            return func(*args, **kwargs)

    return run
