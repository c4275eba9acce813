"""The write side never imports projections: the dependency runs one way only
(projections read the outbox and the models; pruning lives with the checkpoints)."""

import ast
from pathlib import Path

import commands

COMMANDS = Path(commands.__file__).parent


def imported_modules(path: Path) -> list[str]:
    """Every module an import statement in `path` names (at any depth)."""
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module or "")
    return names


def test_commands_source_never_imports_projections():
    offenders = [
        f"{path.relative_to(COMMANDS.parent)}: {name}"
        for path in sorted(COMMANDS.rglob("*.py"))
        for name in imported_modules(path)
        if name.split(".")[0] == "projections"
    ]

    assert offenders == []


def test_imported_modules_finds_imports_inside_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from projections.models import X\n")

    assert imported_modules(module) == ["projections.models"]
