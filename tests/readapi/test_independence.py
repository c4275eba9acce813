"""The read role has no database: it serves with PostgreSQL unreachable and never dials it."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import readapi

READAPI = Path(readapi.__file__).parent

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
    projections = {m for m in modules if m.startswith("projections.")}
    assert all(
        m.endswith((".schema", ".naming")) or m.count(".") == 1 for m in projections
    )
    assert report["databases"] == {}


def test_readapi_source_never_imports_commands():
    offenders = []
    for path in READAPI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            offenders += [
                f"{path}: {n}" for n in names if n.split(".")[0] == "commands"
            ]
    assert offenders == []


def test_read_role_serves_with_postgres_unreachable_and_never_dials_it(
    api, catalog, postgres_trap
):
    responses = [
        api.get(path) for path in ("/v1/products", "/v1/orders", "/v1/stock/1")
    ]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert postgres_trap.attempts == 0


def test_read_role_is_ready_with_postgres_unreachable(api, catalog, postgres_trap):
    api.get("/v1/products")  # a request first: Django then knows its (dummy) database

    ready = api.get("/readyz", anonymous=True)

    assert ready.status_code == 200, ready.text
    assert postgres_trap.attempts == 0
