"""The demo's access: an API key with both read scopes, a staff user with a DRF
token, and the guard that keeps these well-known credentials out of production."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from commands.handlers.apikey import apikey_issue
from commands.models import API_KEY_SCOPES

EMAIL_DOMAIN = "demo.example.com"
STAFF_USERNAME = "demo"


@dataclass
class SeedResult:
    """What `seed_demo` created (counts by kind) and the access it issued."""

    created: dict[str, int] = field(default_factory=dict)
    api_key: str = ""
    staff_username: str = STAFF_USERNAME
    staff_password: str | None = None
    staff_token: str = ""


def credential_lines(result: SeedResult) -> list[str]:
    """What a person needs to try every role of the demo, one line each."""
    login = result.staff_username
    if result.staff_password:
        login += f" / password {result.staff_password!r}"
    return [
        f"Read API key (catalog:read, orders:read): {result.api_key}",
        f"Write API staff token: {result.staff_token}",
        f"Admin login: {login}",
    ]


class DemoCredentialsRefused(Exception):
    """The settings in use forbid the demo's well-known credentials."""


def refuse_outside_demo_settings() -> None:
    """Refuse before writing anything when these are not demo/dev settings."""
    if not getattr(settings, "ALLOW_DEMO_CREDENTIALS", False):
        raise DemoCredentialsRefused(
            f"seed_demo creates the superuser {STAFF_USERNAME!r} with the password "
            f"{STAFF_USERNAME!r} and a demo API key, so it refuses to run with "
            f"{settings.SETTINGS_MODULE} (ALLOW_DEMO_CREDENTIALS is off). Run it "
            "against a development database with DJANGO_SETTINGS_MODULE="
            "config.settings.write; in production create accounts with "
            "`manage.py createsuperuser` and keys with `manage.py issue_api_key`."
        )


def issue_demo_access(result: SeedResult) -> None:
    """A new API key with both read scopes, and a staff user with a DRF token."""
    _, result.api_key = apikey_issue(name="demo", scopes=API_KEY_SCOPES)
    user_model = get_user_model()
    staff, created = user_model.objects.get_or_create(
        username=STAFF_USERNAME,
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "email": f"staff@{EMAIL_DOMAIN}",
        },
    )
    if created:
        staff.set_password(STAFF_USERNAME)
        staff.save(update_fields=["password"])
    # Shown on every seed while it is still the demo's, never once it was changed.
    if staff.check_password(STAFF_USERNAME):
        result.staff_password = STAFF_USERNAME
    result.staff_token = Token.objects.get_or_create(user=staff)[0].key
