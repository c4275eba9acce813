"""The correlation id stamped on every outbox event of a request or command run."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from config.logs import log_context
from config.request_ids import clean_request_id

_current: ContextVar[str | None] = ContextVar("commands_correlation_id", default=None)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str:
    """The id of the running request or command, or a fresh one outside any."""
    return _current.get() or new_correlation_id()


def clean_correlation_id(raw: str | None) -> str | None:
    """A caller-supplied id (e.g. `X-Request-ID`) if it is usable, else None."""
    return clean_request_id(raw)


@contextmanager
def correlation_scope(correlation_id: str | None = None) -> Iterator[str]:
    """Stamp events appended inside the block with one id (given or generated)."""
    value = clean_correlation_id(correlation_id) or new_correlation_id()
    token = _current.set(value)
    try:
        with log_context(value):
            yield value
    finally:
        _current.reset(token)
