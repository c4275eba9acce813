"""Handlers build their events in one place and carry no benchmark seams."""

import ast
from pathlib import Path

import commands.handlers

HANDLERS = Path(commands.handlers.__file__).parent


def calls_of(name: str) -> list[str]:
    """`module:line` of every call of `name` under commands/handlers."""
    return [
        f"{path.name}:{node.lineno}"
        for path in sorted(HANDLERS.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == name
    ]


def test_handlers_build_events_in_one_place():
    assert [call.split(":")[0] for call in calls_of("NewEvent")] == ["aggregates.py"]


def test_handlers_mention_no_benchmark():
    mentions = [
        path.name
        for path in sorted(HANDLERS.glob("*.py"))
        if "bench" in path.read_text().lower()
    ]

    assert mentions == []
