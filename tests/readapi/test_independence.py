"""The read role has no database: it serves with PostgreSQL unreachable and never dials it."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import readapi

READAPI = Path(readapi.__file__).parent
ROOT = READAPI.parent

# The projection contracts readapi may import: each read model's schema (name,
# fields, orderings, key layout), the store names and keys of every read model,
# and the snapshot arithmetic of the watermarks projectors publish.
CONTRACT_SCHEMA = re.compile(r"projections\.\w+\.schema")
CONTRACTS = frozenset({"projections.naming", "projections.visibility"})
# Declarations the contracts themselves import (index shape, text analysis).
CONTRACT_DEPENDENCIES = frozenset(
    {
        "projections.index_settings",
        "projections.products.analysis",
        "projections.tunables",
    }
)

# Resolves every read URL in a fresh read-role process, then reports which
# modules got imported and which databases Django knows about.
PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.urls import get_resolver, resolve

def walk(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback

views = {route: f"{cb.__module__}.{cb.__name__}" for route, cb in walk(get_resolver().url_patterns)}
for path in ["/v1/products", "/v1/products/1", "/v1/products/facets", "/v1/orders",
             "/v1/orders/1", "/v1/stock/1", "/v1/leaderboards/top-products",
             "/v1/customers/1/summary", "/v1/schema", "/v1/docs"]:
    resolve(path)
print(json.dumps({"modules": sorted(sys.modules), "views": views,
                  "databases": settings.DATABASES}))
"""


def test_read_role_imports_nothing_of_the_write_side():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.read")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env, cwd=READAPI.parent, capture_output=True, text=True, check=True,
    )  # fmt: skip

    report = json.loads(result.stdout.splitlines()[-1])
    modules = report["modules"]
    assert len(report["views"]) >= 10
    assert [m for m in modules if m == "commands" or m.startswith("commands.")] == []
    projections = {m for m in modules if m.split(".")[0] == "projections"}
    allowed = {m for m in projections if _contract(m) or m in CONTRACT_DEPENDENCIES}
    parents = {m for m in projections if any(a.startswith(f"{m}.") for a in allowed)}
    assert "projections.products.schema" in allowed
    assert sorted(projections - allowed - parents) == []
    assert report["databases"] == {}


def test_readapi_source_never_imports_commands():
    offenders = [
        f"{path}: {module}"
        for path, module in _readapi_imports()
        if module.split(".")[0] == "commands"
    ]

    assert offenders == []


def test_readapi_source_imports_only_projection_contracts():
    imported = [
        (path, module)
        for path, module in _readapi_imports()
        if module.split(".")[0] == "projections"
    ]
    offenders = [
        f"{path}: {module}" for path, module in imported if not _contract(module)
    ]

    assert {module for _, module in imported} >= CONTRACTS
    assert offenders == []


def _readapi_imports() -> list[tuple[Path, str]]:
    """(file, module) of every import in readapi; `from pkg import mod` names mod."""
    found = []
    for path in READAPI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                found += [(path, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                found += [(path, _imported(node.module, a.name)) for a in node.names]
    return found


def _imported(module: str, name: str) -> str:
    """`module.name` when that is a module of this repository, else `module`."""
    folder = ROOT / module.replace(".", "/")
    is_module = (folder / f"{name}.py").exists() or (folder / name).is_dir()
    return f"{module}.{name}" if is_module else module


def _contract(module: str) -> bool:
    return module in CONTRACTS or CONTRACT_SCHEMA.fullmatch(module) is not None
