"""`manage.py seed_demo [--products N] [--customers N] [--orders N] [--seed S]`"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from commands.correlation import correlation_scope
from commands.errors import DomainError
from commands.seeding import SeedResult, seed_demo


class Command(BaseCommand):
    help = (
        "Create (or top up) a demo catalogue, customers and orders through the "
        "command handlers, then print a read-API key and a staff token."
    )

    def add_arguments(self, parser):
        parser.add_argument("--categories", type=int, default=105)
        parser.add_argument("--products", type=int, default=10_000)
        parser.add_argument("--customers", type=int, default=1_000)
        parser.add_argument("--orders", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, verbosity: int, **options):
        sizes = {
            k: options[k] for k in ("categories", "products", "customers", "orders")
        }
        if any(value < 0 for value in sizes.values()):
            raise CommandError("sizes must not be negative")
        try:
            with correlation_scope():
                result = seed_demo(
                    **sizes, seed=options["seed"], progress=self._progress(verbosity)
                )
        except DomainError as exc:
            raise CommandError(f"seeding stopped: {exc}") from None
        self._report(result, verbosity=verbosity)

    def _progress(self, verbosity: int):
        def bar(items, label, total):
            # disable=None: no bar when stderr is not a terminal (CI, pipes).
            return tqdm(
                items, desc=label, total=total, disable=None if verbosity else True
            )

        return bar

    def _report(self, result: SeedResult, *, verbosity: int) -> None:
        if verbosity >= 1:
            created = ", ".join(f"{n} {kind}" for kind, n in result.created.items())
            self.stdout.write(self.style.SUCCESS(f"Created {created}."))
        self.stdout.write(f"Read API key (catalog:read, orders:read): {result.api_key}")
        self.stdout.write(f"Write API staff token: {result.staff_token}")
        login = result.staff_username
        if result.staff_password:
            login += f" / password {result.staff_password!r}"
        self.stdout.write(f"Admin login: {login}")
