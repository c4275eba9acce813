"""Dramatiq worker children die with their parent.

When the `dramatiq` parent process is SIGKILLed, its worker children would
otherwise live on as orphans, still consuming, while the supervisor starts a
fresh parent beside them. systemd and Kubernetes kill the whole cgroup anyway;
supervisord does not, so each child asks the kernel for a SIGTERM (a graceful
drain) the moment its parent dies.
"""

import ctypes
import logging
import os
import signal
import sys
from typing import Any

import dramatiq
from dramatiq.broker import Broker
from dramatiq.middleware import prometheus

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


class ParentDeathSignal(dramatiq.Middleware):
    """Dramatiq middleware: SIGTERM to each worker child when its parent dies."""

    def after_process_boot(self, broker: Broker) -> None:
        term_when_parent_dies()


def term_when_parent_dies() -> None:
    """Linux only (prctl); elsewhere the supervisor's process group must do."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0) != 0:
        logger.warning(
            "could not ask for SIGTERM on parent death: errno %s", ctypes.get_errno()
        )


class WorkerMetrics(prometheus.Prometheus):
    """Dramatiq's Prometheus middleware, writing to this process's metrics folder.

    The files go to PROMETHEUS_MULTIPROC_DIR (`$CQRS_METRICS_DIR/worker`), which
    `manage.py serve_metrics` serves with every other process's metrics; hence
    no exposition server of its own (`forks` is empty). The write settings
    add it only when that variable is set.
    """

    @property
    def forks(self) -> list[Any]:
        return []

    def after_process_boot(self, broker: Broker) -> None:
        # Dramatiq reads its folder at import; make it ours.
        prometheus.DB_PATH = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        super().after_process_boot(broker)
