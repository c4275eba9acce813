"""Worker heartbeats: each Dramatiq worker process keeps a Redis key alive.

A caught-up system with no live worker has no lag to show; the heartbeat is
what tells it apart from a healthy one (the write role's /readyz,
`projection_status` and the `cqrs_workers_alive` metric read it).
"""

import logging
import os
import socket
import threading

import dramatiq
import redis
from dramatiq.broker import Broker

from config import connections
from projections import naming, tunables

logger = logging.getLogger(__name__)


def heartbeat_pattern() -> str:
    return f"{naming.namespace()}:worker-alive:*"


def heartbeat_key(*, host: str, pid: int) -> str:
    return f"{naming.namespace()}:worker-alive:{host}:{pid}"


def beat(*, key: str) -> None:
    """Say this worker process is alive for the next WORKER_HEARTBEAT_TTL seconds."""
    ttl_ms = int(float(tunables.get("WORKER_HEARTBEAT_TTL")) * 1000)
    connections.redis_client().set(key, "1", px=ttl_ms)


def live_workers() -> list[str]:
    """`host:pid` of every worker process whose heartbeat has not expired."""
    prefix = len(heartbeat_pattern()) - 1
    keys = connections.redis_client().scan_iter(match=heartbeat_pattern(), count=500)
    return sorted(key[prefix:] for key in keys)


class WorkerHeartbeat(dramatiq.Middleware):
    """Dramatiq middleware: a thread per worker process refreshing its key."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.key = ""
        self.thread: threading.Thread | None = None

    def after_worker_boot(self, broker: Broker, worker: dramatiq.Worker) -> None:
        self.key = heartbeat_key(host=socket.gethostname(), pid=os.getpid())
        self.thread = threading.Thread(
            target=self._loop, name="worker-heartbeat", daemon=True
        )
        self.thread.start()

    def before_worker_shutdown(self, broker: Broker, worker: dramatiq.Worker) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=5)  # a beat in flight must not outlive the delete
        try:
            connections.redis_client().delete(self.key)
        except redis.RedisError as exc:
            logger.warning("could not clear worker heartbeat %s: %s", self.key, exc)

    def _loop(self) -> None:
        interval = float(tunables.get("WORKER_HEARTBEAT_SECONDS"))
        while not self.stop.is_set():
            try:
                beat(key=self.key)
            except redis.RedisError as exc:
                # Redis down: the key expires and readiness says so; keep trying.
                logger.warning("worker heartbeat failed: %s", exc)
            self.stop.wait(interval)
