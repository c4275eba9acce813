"""Log records as JSON lines (or plain text locally), each with its correlation id.

`CQRS_LOG_FORMAT=json` (default) or `plain`. The correlation id of the running
request, command or projector batch is bound with `log_context` and stamped on
every record by `CorrelationFilter`, so one id follows a change from the write
request through the outbox to the store write.
"""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pythonjsonlogger.json import JsonFormatter

_correlation: ContextVar[str] = ContextVar("log_correlation_id", default="")

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(correlation_id)s] %(message)s"


@contextmanager
def log_context(correlation_id: str) -> Iterator[None]:
    """Stamp every record logged inside the block with `correlation_id`."""
    token = _correlation.set(correlation_id)
    try:
        yield
    finally:
        _correlation.reset(token)


def current_log_correlation_id() -> str:
    return _correlation.get()


class CorrelationFilter(logging.Filter):
    """Adds `correlation_id` to a record unless the caller passed one in `extra`."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "correlation_id"):
            record.correlation_id = _correlation.get()
        return True


def log_format() -> str:
    """`json` or `plain`, from CQRS_LOG_FORMAT (read when logging is configured)."""
    value = os.environ.get("CQRS_LOG_FORMAT", "json").strip().lower()
    if value not in {"json", "plain"}:
        raise ValueError(f"CQRS_LOG_FORMAT must be json or plain, got {value!r}")
    return value


def json_formatter() -> logging.Formatter:
    """One JSON object per line: time, level, logger, process, message, extras."""
    return JsonFormatter(
        JSON_FIELDS,
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
    )


def formatters() -> dict[str, dict[str, Any]]:
    return {
        "json": {"()": "config.logs.json_formatter"},
        "plain": {"format": PLAIN_FORMAT},
    }


def logging_config(*, level: str) -> dict[str, Any]:
    """The `LOGGING` dict of every role (Django, the workers, the metrics server)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"correlation": {"()": "config.logs.CorrelationFilter"}},
        "formatters": formatters(),
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format(),
                "filters": ["correlation"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "opensearch": {"level": "WARNING"},
            "urllib3": {"level": "WARNING"},
        },
    }
