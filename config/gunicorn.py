"""Gunicorn settings module of both web roles (`gunicorn -c python:config.gunicorn`).

Metrics: with PROMETHEUS_MULTIPROC_DIR set (the launchers set it to
`$CQRS_METRICS_DIR/<role>`), every worker writes its metrics to files there
and `manage.py serve_metrics` sums them, so a scrape sees all workers, not
the one that answered. The folder is emptied when the master starts and a
dead worker's live gauges are dropped when it exits.

Logs: gunicorn's own error and access logs go out in the same format as the
application's (CQRS_LOG_FORMAT, JSON by default).
"""

import os
import shutil
from pathlib import Path
from typing import Any

from config.logs import logging_config


def _multiproc_dir() -> Path | None:
    value = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    return Path(value) if value else None


def on_starting(server: Any) -> None:
    """Start from an empty metrics folder: old workers' files are not ours."""
    folder = _multiproc_dir()
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    folder = _multiproc_dir()
    if folder is not None:
        # Imported here: prometheus_client picks its storage when first imported.
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, str(folder))


logconfig_dict = {
    **logging_config(level=os.environ.get("LOG_LEVEL", "INFO")),
    "loggers": {
        "gunicorn.error": {"level": "INFO", "propagate": True},
        "gunicorn.access": {"level": "INFO", "propagate": True},
    },
}
