"""Both OpenAPI documents build without a single drf-spectacular warning and pass
its own validation (what `manage.py spectacular --validate --fail-on-warn` checks)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "settings_module", ["config.settings.write", "config.settings.read"]
)
def test_spectacular_builds_the_schema_without_warnings(settings_module, tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn",
         "--file", str(tmp_path / "schema.yaml")],
        cwd=REPO, capture_output=True, text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
