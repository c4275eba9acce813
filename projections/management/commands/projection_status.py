"""manage.py projection_status: checkpoints, lag and health of every projection."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.errors import UnknownProjection
from projections.status import SegmentStatus, projection_status

COLUMNS = "{:<18} {:>4} {:>4} {:>24} {:>24} {:>8} {:>9} {:<8} {:>4}"


class Command(BaseCommand):
    help = (
        "Show each projection segment: generation, checkpoint, head, lag in events "
        "and seconds, state (running/idle/stalled/paused) and dead letters."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("projection", nargs="?", help="Only this projection.")
        parser.add_argument(
            "--json", action="store_true", help="Machine-readable output."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            rows = projection_status(projection=options["projection"])
        except UnknownProjection as exc:
            raise CommandError(
                f"{exc}; see `manage.py projection_status` for names"
            ) from None
        if options["json"]:
            self.stdout.write(json.dumps([row.as_dict() for row in rows], indent=2))
            return
        verbosity = options["verbosity"]
        if verbosity == 0:
            self._summary(rows)
            return
        self.stdout.write(
            COLUMNS.format(
                "projection",
                "gen",
                "seg",
                "checkpoint",
                "head",
                "lag",
                "lag s",
                "state",
                "dead",
            )
        )
        for row in rows:
            self._row(row, verbose=verbosity >= 2)

    def _row(self, row: SegmentStatus, *, verbose: bool) -> None:
        line = COLUMNS.format(
            row.projection,
            row.generation,
            row.segment,
            "{}/{}".format(*row.checkpoint),
            "{}/{}".format(*row.head) if row.head else "-",
            row.lag_events,
            f"{row.lag_seconds:.1f}",
            row.state,
            row.dead_letters,
        )
        self.stdout.write(self._styled(line, row))
        if row.last_error and verbose:
            self.stdout.write(self.style.ERROR(f"    last error: {row.last_error}"))

    def _summary(self, rows: list[SegmentStatus]) -> None:
        problems = [r for r in rows if r.state == "stalled" or r.dead_letters]
        for row in problems:
            self.stdout.write(
                self.style.ERROR(
                    f"{row.projection}/{row.generation}/{row.segment}: {row.state}, "
                    f"{row.lag_events} waiting, {row.dead_letters} dead letters"
                )
            )

    def _styled(self, line: str, row: SegmentStatus) -> str:
        if row.state == "stalled" or row.dead_letters:
            return self.style.ERROR(line)
        if row.lag_events:
            return self.style.WARNING(line)
        return line
