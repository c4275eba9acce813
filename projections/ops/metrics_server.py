"""The metrics server: every process's Prometheus figures on one port of its own.

Web (gunicorn) and worker (Dramatiq) processes write their metrics to files
under `CQRS_METRICS_DIR/<role>/` (prometheus_client multiprocess mode; each
launcher sets PROMETHEUS_MULTIPROC_DIR to its role's folder). This server sums
them per role, labels them `role`, adds the scrape-time figures of
`ProjectionCollector`, and serves the result on CQRS_METRICS_BIND:PORT, never
on the read API's port; with CQRS_METRICS_TOKEN set, a scrape must send
`Authorization: Bearer <token>`.
"""

import hmac
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import CollectorRegistry, make_wsgi_app
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from projections.ops.metrics_collector import ProjectionCollector

logger = logging.getLogger(__name__)

Environ = dict[str, Any]
StartResponse = Callable[..., Any]


class RoleFilesCollector(Collector):
    """The multiprocess files of every role folder under `root`, labelled `role`."""

    def __init__(self, *, root: Path) -> None:
        self.root = root

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        for folder in sorted(p for p in self.root.glob("*") if p.is_dir()):
            for metric in _role_metrics(folder):
                self._merge(merged=merged, metric=metric, role=folder.name)
        yield from merged.values()

    @staticmethod
    def _merge(*, merged: dict[str, Metric], metric: Metric, role: str) -> None:
        target = merged.setdefault(
            metric.name, Metric(metric.name, metric.documentation, metric.type)
        )
        for sample in metric.samples:
            labels = {**sample.labels, "role": role}
            target.samples.append(sample._replace(labels=labels))


def _role_metrics(folder: Path) -> Iterable[Metric]:
    collector = MultiProcessCollector(None, path=str(folder))
    return collector.collect()


def metrics_registry(*, root: Path) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RoleFilesCollector(root=root))
    registry.register(ProjectionCollector())
    return registry


def metrics_app(*, root: Path, token: str) -> Callable[[Environ, StartResponse], Any]:
    """WSGI app: `/metrics` (token-checked when a token is set), 404 elsewhere."""
    exposition = make_wsgi_app(metrics_registry(root=root))

    def app(environ: Environ, start_response: StartResponse) -> Any:
        if environ.get("PATH_INFO") != "/metrics":
            return _plain(start_response, "404 Not Found", b"not found\n")
        if token and not _authorized(environ=environ, token=token):
            return _plain(start_response, "401 Unauthorized", b"bearer token needed\n")
        return exposition(environ, start_response)

    return app


def _authorized(*, environ: Environ, token: str) -> bool:
    sent = environ.get("HTTP_AUTHORIZATION", "")
    return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def _plain(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "text/plain")])
    return [body]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)


def serve(*, root: Path, bind: str, port: int, token: str) -> None:
    """Serve until interrupted (one scrape at a time; Prometheus asks rarely)."""
    app = metrics_app(root=root, token=token)
    with make_server(
        bind, port, app, server_class=WSGIServer, handler_class=_QuietHandler
    ) as server:
        logger.info(
            "metrics on http://%s:%s/metrics (files under %s)", bind, port, root
        )
        server.serve_forever()
