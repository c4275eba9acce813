"""`manage.py seed_demo [--products N] [--customers N] [--orders N] [--seed S]
[--credentials-file PATH]`"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from commands.correlation import correlation_scope
from commands.demo_access import (
    DemoCredentialsRefused,
    SeedResult,
    credential_lines,
)
from commands.errors import DomainError
from commands.seeding import seed_demo

HIDDEN = (
    "Credentials not shown (CQRS['SHOW_DEMO_CREDENTIALS'] is off, as in production): "
    "issue a key with `manage.py issue_api_key` and a token with "
    "`manage.py drf_create_token USER`."
)


class Command(BaseCommand):
    help = (
        "Create (or top up) a demo catalogue, customers and orders through the "
        "command handlers, then print a read-API key and a staff token."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--categories", type=int, default=210, help="10 departments of 21"
        )
        parser.add_argument("--products", type=int, default=10_000)
        parser.add_argument("--customers", type=int, default=1_000)
        parser.add_argument("--orders", type=int, default=5_000)
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--credentials-file",
            type=Path,
            help="Also write the credentials to this file (mode 0600); "
            "`make credentials` prints it.",
        )

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
        except DemoCredentialsRefused as exc:
            raise CommandError(str(exc)) from None
        except DomainError as exc:
            raise CommandError(f"seeding stopped: {exc}") from None
        self._report(result, verbosity=verbosity)
        self._share(result, path=options["credentials_file"])

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
        if not settings.CQRS["SHOW_DEMO_CREDENTIALS"]:
            self.stdout.write(HIDDEN)
            return
        for line in credential_lines(result):
            self.stdout.write(line)

    def _share(self, result: SeedResult, *, path: Path | None) -> None:
        if path is None or not settings.CQRS["SHOW_DEMO_CREDENTIALS"]:
            return
        try:
            path.unlink(missing_ok=True)
            # Created 0600 (not chmod-ed after): the secrets are never world-readable.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise CommandError(
                f"cannot write the credentials file {path}: {exc.strerror}"
            ) from None
        with os.fdopen(fd, "w") as file:
            file.write("".join(f"{line}\n" for line in credential_lines(result)))
