"""manage.py projection_status: checkpoints, lag and health of every projection."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.errors import UnknownProjection
from projections.ops.status import SegmentStatus, projection_status
from projections.running import workers

COLUMNS = "{:<18} {:>4} {:>4} {:>24} {:>24} {:>8} {:>9} {:<8} {:>4}"
# States that need a person (the `lost` state comes from projections.ops.status).
UNHEALTHY_STATES = frozenset({"stalled", "lost"})


def unhealthy(row: SegmentStatus) -> bool:
    return (
        row.state in UNHEALTHY_STATES
        or row.generation_state in UNHEALTHY_STATES
        or row.dead_letters > 0
    )


def health_problem(rows: list[SegmentStatus]) -> str | None:
    """What is wrong, for the exit message of cron and monitoring (None: healthy)."""
    bad = [row for row in rows if unhealthy(row)]
    if not bad:
        return None
    states = sorted({row.state for row in bad if row.state in UNHEALTHY_STATES})
    dead = sum(row.dead_letters for row in bad)
    where = ", ".join(f"{r.projection}/{r.generation}/{r.segment}" for r in bad[:10])
    return (
        f"{len(bad)} segment(s) need attention ({', '.join(states) or 'no stalls'}; "
        f"{dead} dead letters): {where}. See `manage.py projection_status -v 2` for "
        "last errors, `manage.py replay_dead_letters` once the cause is fixed"
    )


class Command(BaseCommand):
    help = (
        "Show each projection segment: generation, checkpoint, head, lag in events "
        "and seconds, state (running/idle/stalled/paused/lost) and dead letters. "
        "Exits non-zero when a segment is stalled or lost or has dead letters."
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
        self._show(rows, as_json=options["json"], verbosity=options["verbosity"])
        problem = health_problem(rows)
        if problem is not None:
            raise CommandError(problem)

    def _show(
        self, rows: list[SegmentStatus], *, as_json: bool, verbosity: int
    ) -> None:
        if as_json:
            self.stdout.write(json.dumps([row.as_dict() for row in rows], indent=2))
            return
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
        self._holders(rows)
        self._workers()

    def _workers(self) -> None:
        """Live worker processes (heartbeats): none means nothing will project."""
        alive = workers.live_workers()
        if alive:
            self.stdout.write(f"workers alive: {len(alive)} ({', '.join(alive)})")
            return
        self.stdout.write(
            self.style.WARNING(
                "workers alive: 0 - no Dramatiq worker heartbeat; nothing will be "
                "projected until one runs (`manage.py rundramatiq`)"
            )
        )

    def _holders(self, rows: list[SegmentStatus]) -> None:
        """Name the open transactions the checkpoints wait for, once each."""
        seen: dict[int, dict[str, Any]] = {}
        for row in rows:
            seen.update((holder["pid"], holder) for holder in row.held_by)
        for holder in seen.values():
            self.stdout.write(
                self.style.WARNING(
                    f"waiting for open transaction pid {holder['pid']} "
                    f"(database {holder['database']}, {holder['state']}, "
                    f"open {holder['age_seconds']:.0f}s): its events arrive "
                    "when it commits"
                )
            )

    def _row(self, row: SegmentStatus, *, verbose: bool) -> None:
        line = COLUMNS.format(
            row.projection,
            row.generation,
            row.segment,
            _short(row.checkpoint),
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
        problems = [r for r in rows if unhealthy(r)]
        for row in problems:
            self.stdout.write(
                self.style.ERROR(
                    f"{row.projection}/{row.generation}/{row.segment}: {row.state}, "
                    f"{row.lag_events} waiting, {row.dead_letters} dead letters"
                )
            )

    def _styled(self, line: str, row: SegmentStatus) -> str:
        if unhealthy(row):
            return self.style.ERROR(line)
        if row.lag_events:
            return self.style.WARNING(line)
        return line


def _short(snapshot: str, width: int = 24) -> str:
    """A checkpoint snapshot, cut to the column with an ellipsis."""
    return snapshot if len(snapshot) <= width else snapshot[: width - 1] + "…"
