"""The migrations describe the models exactly (the models package re-exports them)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_write_model_has_no_changes_without_a_migration():
    out = StringIO()

    call_command("makemigrations", "commands", check=True, dry_run=True, stdout=out)

    assert "No changes detected" in out.getvalue()
