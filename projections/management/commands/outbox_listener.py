"""manage.py outbox_listener: LISTEN cqrs_outbox and queue projector runs."""

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from projections.listener import listen


class Command(BaseCommand):
    help = (
        "Wake the projectors: queue a run of every projection segment on each "
        "outbox NOTIFY and on a periodic tick."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tick",
            type=float,
            default=None,
            help="Seconds between unconditional wake-ups (default: CQRS TICK_SECONDS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        if options["verbosity"] >= 1:
            self.stdout.write("outbox listener started; Ctrl-C to stop")
        listen(stop=stop, tick_seconds=options["tick"])
