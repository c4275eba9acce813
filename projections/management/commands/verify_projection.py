"""manage.py verify_projection NAME: drift between a read model and the write model."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from projections.errors import ProjectionError
from projections.management.commands.rebuild_projection import positive_int
from projections.rebuilds.console import ConsoleReporter
from projections.verification.drift import DriftKind, DriftReport
from projections.verification.verify import DEFAULT_BATCH_SIZE, verify_projection


class Command(BaseCommand):
    help = (
        "Compare a projection's live read model with the write model and report "
        "missing, extra, stale (older version), differing (same version, other "
        "content) and ahead (newer version) entries. Exits non-zero on drift; with "
        "--repair, re-projects exactly the drifted entries and exits non-zero only "
        "if a repair failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("projection", help="e.g. products, orders, stock")
        parser.add_argument(
            "--sample",
            type=positive_int,
            help="Check this many random rows instead of all (extras are not "
            "looked for when sampling).",
        )
        parser.add_argument(
            "--repair", action="store_true", help="Re-project the drifted entries."
        )
        parser.add_argument(
            "--batch-size", type=positive_int, default=DEFAULT_BATCH_SIZE
        )
        parser.add_argument(
            "--generation", help="Verify this generation instead of the live one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        try:
            report = verify_projection(
                projection=options["projection"],
                sample=options["sample"],
                repair=options["repair"],
                batch_size=options["batch_size"],
                generation=options["generation"],
                reporter=ConsoleReporter(command=self, verbosity=verbosity),
            )
        except ProjectionError as exc:
            raise CommandError(str(exc)) from None
        self._report(report, verbosity=verbosity, repair=options["repair"])

    def _report(self, report: DriftReport, *, verbosity: int, repair: bool) -> None:
        if verbosity >= 2:
            self.stdout.write(f"  {report.pace()}")
        if not report.drifted:
            self.stdout.write(self.style.SUCCESS(f"{report.summary()}: no drift."))
            return
        self.stdout.write(self.style.WARNING(report.summary()))
        if verbosity >= 1:
            for kind in DriftKind:
                if report.examples.get(kind):
                    keys = ", ".join(report.examples[kind])
                    self.stdout.write(f"  {kind}: {keys}")
        if report.unsettled:
            self.stdout.write(
                self.style.WARNING(
                    "  the projection lagged behind throughout: some findings may "
                    "be events it has not applied yet"
                )
            )
        if repair:
            self._repaired(report)
            return
        raise CommandError(
            f"{report.projection} has drifted from the write model "
            f"({report.drifted} entries); run verify_projection "
            f"{report.projection} --repair, or rebuild_projection {report.projection}"
        )

    def _repaired(self, report: DriftReport) -> None:
        if report.repair_failures:
            raise CommandError(
                f"{len(report.repair_failures)} repair(s) of {report.projection} "
                f"failed: {'; '.join(report.repair_failures[:5])}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Repaired {report.repaired} drifted entries.")
        )
        if report.counts[DriftKind.AHEAD] and report.where.startswith("index"):
            self.stdout.write(
                self.style.WARNING(
                    "  documents ahead of the write model got its content, but "
                    "OpenSearch cannot lower their version: rebuild_projection "
                    f"{report.projection} resets it"
                )
            )
