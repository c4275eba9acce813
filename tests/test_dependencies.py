"""What runs needs only requirements.txt: no runtime module imports a package that
only requirements-dev.txt (tests, lint, type checking) installs."""

import ast
import importlib
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_PACKAGES = ("commands", "projections", "readapi", "config")
ROLE_SETTINGS = ("config.settings.write", "config.settings.read")


def pinned(requirements: Path) -> set[str]:
    """Normalised names of the `name==version` pins in a requirements file."""
    lines = requirements.read_text().splitlines()
    return {normalised(line.split("==")[0]) for line in lines if "==" in line}


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def top_level_imports(path: Path) -> set[str]:
    """Top-level names of every absolute import in `path`, at any depth."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def runtime_imports() -> dict[str, set[str]]:
    """Third-party top-level names the runtime code imports -> modules importing them."""
    found: dict[str, set[str]] = {}
    for package in RUNTIME_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in top_level_imports(path):
                found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return {
        name: paths
        for name, paths in found.items()
        if name not in sys.stdlib_module_names and name not in RUNTIME_PACKAGES
    }


def settings_modules() -> dict[str, set[str]]:
    """Top-level names of the apps and middleware each web role loads by string."""
    found: dict[str, set[str]] = {}
    for module_name in ROLE_SETTINGS:
        module = importlib.import_module(module_name)
        for dotted in [*module.INSTALLED_APPS, *module.MIDDLEWARE]:
            found.setdefault(dotted.split(".")[0], set()).add(module_name)
    return {
        name: used
        for name, used in found.items()
        if name not in RUNTIME_PACKAGES and name != "django"
    }


def missing_from_runtime(used: dict[str, set[str]]) -> list[str]:
    """The names none of whose distributions requirements.txt pins."""
    runtime = pinned(ROOT / "requirements.txt")
    providers = packages_distributions()
    return sorted(
        f"{name} (in {', '.join(sorted(paths))})"
        for name, paths in used.items()
        if not {normalised(d) for d in providers.get(name, [])} & runtime
    )


def test_runtime_modules_import_only_runtime_requirements():
    used = runtime_imports()

    assert {"django", "dramatiq", "opensearchpy", "redis"} <= set(used)
    assert missing_from_runtime(used) == []


def test_role_settings_load_only_runtime_requirements():
    used = settings_modules()

    assert {"axes", "whitenoise", "health_check"} <= set(used)
    assert missing_from_runtime(used) == []


def test_missing_from_runtime_names_a_dev_only_import():
    assert missing_from_runtime({"pytest": {"commands/x.py"}}) == [
        "pytest (in commands/x.py)"
    ]


def test_requirements_pin_every_package_exactly_once():
    runtime = pinned(ROOT / "requirements.txt")
    development = pinned(ROOT / "requirements-dev.txt")
    lines = [
        line
        for name in ("requirements.txt", "requirements-dev.txt")
        for line in (ROOT / name).read_text().splitlines()
        if line and not line.startswith("#")
    ]

    assert runtime & development == set()
    assert {"pytest", "ruff", "mypy", "hypothesis"} <= development
    assert [line for line in lines if "==" not in line] == ["-r requirements.txt"]


def make_dry_run(target: str) -> str:
    """The commands `make` would run for `target` from scratch (nothing runs)."""
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", target],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


def pip_installs(commands: str) -> list[str]:
    """The requirements files `pip install -r` is given in `commands`."""
    return re.findall(r"pip install\b[^\n]*?-r (\S+)", commands)


def test_make_demo_installs_only_runtime_requirements():
    assert pip_installs(make_dry_run("demo")) == ["requirements.txt"]


def test_make_test_installs_development_requirements():
    assert pip_installs(make_dry_run("test")) == ["requirements-dev.txt"]


def test_dockerfile_installs_only_runtime_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()

    assert pip_installs(dockerfile) == ["requirements.txt"]
    assert "requirements-dev" not in dockerfile
