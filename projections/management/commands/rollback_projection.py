"""manage.py rollback_projection NAME: back to the most recent retired generation."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.errors import ProjectionError
from projections.management.commands.rebuild_projection import non_negative_int
from projections.rebuilds.console import ConsoleReporter
from projections.rebuilds.rebuild import RebuildOptions
from projections.rebuilds.rollback import plan_rollback, rollback_projection


class Command(BaseCommand):
    help = (
        "Swap a projection back to its most recent retired generation that still "
        "exists, after catching that generation up from its checkpoints."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("projection", help="e.g. products, orders, stock")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say which generation would become live; change nothing.",
        )
        parser.add_argument("--max-lag", type=non_negative_int, default=100)
        parser.add_argument("--catch-up-timeout", type=float, default=600.0)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["projection"]
        try:
            if options["dry_run"]:
                plan = plan_rollback(projection=name)
                self.stdout.write(f"Dry run: {plan.describe()}")
                self.stdout.write(
                    self.style.WARNING("Nothing was changed (--dry-run).")
                )
                return
            run = rollback_projection(
                projection=name,
                options=RebuildOptions(
                    max_lag=options["max_lag"],
                    catch_up_timeout=options["catch_up_timeout"],
                ),
                reporter=ConsoleReporter(command=self, verbosity=options["verbosity"]),
            )
        except ProjectionError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Rolled {name} back to generation {run.generation}.")
        )
