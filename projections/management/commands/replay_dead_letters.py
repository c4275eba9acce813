"""manage.py replay_dead_letters: retry parked events in order, resolve what applies."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.errors import SegmentBusy, UnknownProjection
from projections.running import deadletters


class Command(BaseCommand):
    help = (
        "Retry parked dead letters in outbox order (optionally of one projection); "
        "the ones that now apply are marked resolved."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projection", help="Only this projection's dead letters.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be retried."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        projection = options["projection"]
        try:
            letters = deadletters.parked_letters(projection=projection)
            count = letters.count()
            if options["dry_run"] or not count:
                self.stdout.write(f"{count} parked dead letter(s) would be retried")
                return
            self.stdout.write(f"retrying {count} parked dead letter(s)")
            report = deadletters.replay(projection=projection)
        except UnknownProjection as exc:
            raise CommandError(str(exc)) from None
        except SegmentBusy as exc:
            raise CommandError(f"{exc}; retry when the segment is free") from None
        self.stdout.write(
            self.style.SUCCESS(f"resolved {len(report.resolved)}")
            + f", still failing {len(report.failed)}, left behind them {len(report.skipped)}"
        )
        if report.failed:
            raise CommandError(
                "some dead letters still fail; see their error in the admin "
                "(Projections › Dead letters)"
            )
