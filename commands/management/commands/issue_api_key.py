"""`manage.py issue_api_key --name NAME --scopes catalog:read,orders:read [--expires-in-days N]`"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commands.correlation import correlation_scope
from commands.errors import ValidationError
from commands.handlers.apikey import apikey_issue
from commands.models import API_KEY_SCOPES


class Command(BaseCommand):
    help = "Issue a read-API key and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who or what uses the key.")
        parser.add_argument(
            "--scopes",
            required=True,
            help=f"Comma-separated scopes out of: {', '.join(API_KEY_SCOPES)}.",
        )
        parser.add_argument(
            "--expires-in-days",
            type=float,
            default=None,
            help="The key stops working this many days from now (default: never).",
        )

    def handle(self, *args, name: str, scopes: str, verbosity: int, **options):
        days = options["expires_in_days"]
        expires_at = None if days is None else timezone.now() + timedelta(days=days)
        try:
            with correlation_scope():
                apikey, raw_key = apikey_issue(
                    name=name, scopes=scopes, expires_at=expires_at
                )
        except ValidationError as exc:
            raise CommandError(f"API key not issued: {exc}") from None
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Issued API key {apikey.name!r} ({', '.join(apikey.scopes)}). "
                    "Store it now; it is not shown again:"
                )
            )
        self.stdout.write(raw_key)
