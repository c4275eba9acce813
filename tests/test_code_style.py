"""The code reads the way STYLE.md says: ruff-clean, and type-checked where promised."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def test_ruff_finds_nothing_to_report():
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout


def test_mypy_type_checks_projections_readapi_and_config():
    result = subprocess.run(
        [str(BIN / "mypy"), "projections", "readapi", "config"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout
