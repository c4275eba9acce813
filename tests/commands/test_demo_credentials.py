"""The demo's credentials: printed by seed_demo, kept for `make credentials` and the
banner of `make demo`, and never shown under production settings."""

import os
import stat
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.config.test_production import run_manage

REPO = Path(__file__).resolve().parents[2]
TINY = {"categories": 3, "products": 2, "customers": 1, "orders": 1, "seed": 7}
SECRET_PREFIXES = ("Read API key", "Write API staff token", "Admin login")


def seed(**options) -> list[str]:
    out = StringIO()
    call_command("seed_demo", stdout=out, **TINY, **options)
    return out.getvalue().splitlines()


def secret_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(SECRET_PREFIXES)]


def run_sh_credentials(*, home: Path, **env: str) -> str:
    result = subprocess.run(
        ["bash", "scripts/run.sh", "credentials"],
        cwd=REPO, env={**os.environ, "CQRS_HOME": str(home), **env},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


@pytest.mark.django_db
def test_seed_demo_credentials_file_holds_the_printed_lines_owner_only(tmp_path):
    path = tmp_path / "demo-credentials"

    printed = secret_lines(seed(credentials_file=path))

    assert len(printed) == 3
    assert path.read_text().splitlines() == printed
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_seed_demo_shows_the_demo_password_again_on_a_later_seed():
    seed()

    login = next(line for line in seed() if line.startswith("Admin login"))

    assert login == "Admin login: demo / password 'demo'"


@pytest.mark.django_db
def test_seed_demo_hides_credentials_when_turned_off(tmp_path, settings):
    path = tmp_path / "demo-credentials"
    settings.CQRS = {**settings.CQRS, "SHOW_DEMO_CREDENTIALS": False}

    lines = seed(credentials_file=path)

    assert secret_lines(lines) == []
    assert not path.exists()


def test_production_settings_turn_demo_credentials_off():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; "
        "print(settings.CQRS['SHOW_DEMO_CREDENTIALS'])",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_run_sh_credentials_prints_what_seed_wrote(tmp_path):
    (tmp_path / "demo-credentials").write_text("Write API staff token: abc123\n")

    output = run_sh_credentials(home=tmp_path)

    assert "    Write API staff token: abc123" in output.splitlines()


def test_run_sh_credentials_prints_no_secret_with_production_settings(tmp_path):
    (tmp_path / "demo-credentials").write_text("Write API staff token: abc123\n")

    output = run_sh_credentials(
        home=tmp_path, CQRS_WRITE_SETTINGS="config.settings.production"
    )

    assert "abc123" not in output
    assert "not shown" in output
