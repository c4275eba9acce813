"""manage.py serve_metrics: Prometheus figures of every process, on their own port."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.ops import metrics_server


class Command(BaseCommand):
    help = (
        "Serve /metrics for every process of this host (web and worker files under "
        "CQRS_METRICS_DIR, plus projection lag, outbox and heartbeats from the "
        "database) on CQRS_METRICS_BIND:CQRS_METRICS_PORT, apart from the APIs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", help="Address (default CQRS_METRICS_BIND).")
        parser.add_argument(
            "--port", type=int, help="Port (default CQRS_METRICS_PORT)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cfg = settings.CQRS
        root = Path(cfg["METRICS_DIR"])
        root.mkdir(parents=True, exist_ok=True)
        try:
            metrics_server.serve(
                root=root,
                bind=options["bind"] or cfg["METRICS_BIND"],
                port=options["port"] or cfg["METRICS_PORT"],
                token=cfg["METRICS_TOKEN"],
            )
        except OSError as exc:
            raise CommandError(
                f"cannot serve metrics: {exc}; pick another --port or CQRS_METRICS_PORT"
            ) from None
        except KeyboardInterrupt:
            return
