"""manage.py rebuild_projection NAME: a new generation beside the live one, then swap."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.errors import ProjectionError
from projections.rebuilds.console import ConsoleReporter
from projections.rebuilds.rebuild import (
    RebuildOptions,
    plan_rebuild,
    rebuild_projection,
)


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


def non_negative_int(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Rebuild a projection with zero downtime: load a new generation from one "
        "snapshot of the write model, catch it up with the outbox, then swap readers "
        "over atomically. Readers keep the old generation until the swap."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("projection", help="e.g. products, orders, stock")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be done (generation, rows, batches); change nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            help="Rows per read and bulk write (default 1000; on --resume, the "
            "interrupted run's).",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="Continue the interrupted rebuild's generation from its last "
            "written row instead of starting over.",
        )
        parser.add_argument(
            "--keep",
            type=non_negative_int,
            help="Retired generations to keep for rollback_projection (default 1); "
            "older ones are deleted.",
        )
        parser.add_argument(
            "--max-lag",
            type=non_negative_int,
            default=100,
            help="Outbox events still waiting when the final catch-up before the "
            "swap starts (default 100).",
        )
        parser.add_argument(
            "--max-rate",
            type=float,
            help="Load at most this many rows per second (spares a busy cluster).",
        )
        parser.add_argument(
            "--catch-up-timeout",
            type=float,
            default=600.0,
            help="Seconds to wait for the new generation to catch up (default 600).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["projection"]
        settings = RebuildOptions(
            batch_size=options["batch_size"],
            keep=options["keep"],
            resume=options["resume"],
            max_lag=options["max_lag"],
            max_rate=options["max_rate"],
            catch_up_timeout=options["catch_up_timeout"],
        )
        try:
            if options["dry_run"]:
                self._dry_run(name=name, settings=settings)
                return
            outcome = rebuild_projection(
                projection=name,
                options=settings,
                reporter=ConsoleReporter(command=self, verbosity=options["verbosity"]),
            )
        except ProjectionError as exc:
            raise CommandError(str(exc)) from None
        run = outcome.run
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt {name}: generation {run.generation} is live "
                f"({run.rows_done:,} rows, {outcome.seconds:.1f}s)."
            )
        )

    def _dry_run(self, *, name: str, settings: RebuildOptions) -> None:
        plan = plan_rebuild(projection=name, options=settings)
        self.stdout.write(f"Dry run: {plan.describe()}")
        self.stdout.write(self.style.WARNING("Nothing was changed (--dry-run)."))
