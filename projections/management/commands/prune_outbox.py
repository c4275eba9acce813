"""`manage.py prune_outbox [--keep-days N] [--dry-run]`"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projections.outbox.pruning import OutboxPruneRefused, PrunePlan, outbox_prune


class Command(BaseCommand):
    help = (
        "Delete outbox events that every projection segment has applied and that "
        "are older than --keep-days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days",
            type=float,
            default=7.0,
            help="Keep events younger than this many days (default 7).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would go; delete nothing."
        )

    def handle(self, *args, keep_days: float, dry_run: bool, verbosity: int, **options):
        if keep_days < 0:
            raise CommandError("--keep-days must not be negative")
        before = timezone.now() - timedelta(days=keep_days)
        try:
            plan = outbox_prune(before=before, dry_run=True)
            if verbosity >= 1:
                self.stdout.write(_describe(plan))
            if dry_run or not plan.count:
                return
            done = outbox_prune(before=before)
        except OutboxPruneRefused as exc:
            raise CommandError(f"Outbox not pruned: {exc}") from None
        self.stdout.write(self.style.SUCCESS(f"Deleted {done.count} outbox events."))


def _describe(plan: PrunePlan) -> str:
    return (
        f"{plan.count} outbox events are older than {plan.before:%Y-%m-%d %H:%M} UTC "
        f"and applied by every projection segment (every transaction snapshot "
        f"{plan.passed} sees)."
    )
