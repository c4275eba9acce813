"""No module of the platform grows past 300 lines: past that, split it by job."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("commands", "projections", "readapi", "config")
LIMIT = 300


def oversized(*, packages: tuple[str, ...], limit: int) -> list[str]:
    """`path: lines` of every module (migrations aside) longer than `limit`."""
    return [
        f"{path.relative_to(ROOT)}: {lines}"
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > limit
    ]


def test_platform_modules_stay_within_300_lines():
    assert oversized(packages=PACKAGES, limit=LIMIT) == []


def test_oversized_names_a_long_module():
    found = oversized(packages=("commands",), limit=5)

    assert "commands/outbox.py" in {entry.split(":")[0] for entry in found}
