"""The engine's folders are layers: each imports only its own layer and those
below it, so the folder shows the order and no cycle can form between them."""

from pathlib import Path

import projections
from tests.commands.test_independence import imported_modules

PROJECTIONS = Path(projections.__file__).parent
# Lowest first. The contract modules at the top of the package (registry,
# naming, visibility, writes, events, errors, tunables) sit below all of them.
LAYERS = ["stores", "outbox", "lifecycle", "running", "rebuilds", "verification", "ops"]


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) > 1 and parts[0] == "projections" and parts[1] in LAYERS:
        return parts[1]
    return None


def upward_imports(folder: Path, layer: str) -> list[str]:
    """`path: module` for every import in `folder` of a layer above `layer`."""
    rank = LAYERS.index(layer)
    return [
        f"{path.relative_to(folder.parent)}: {name}"
        for path in sorted(folder.rglob("*.py"))
        for name in imported_modules(path)
        if (other := layer_of(name)) and LAYERS.index(other) > rank
    ]


def test_each_layer_imports_only_its_own_and_lower_layers():
    offenders = [
        offender
        for layer in LAYERS
        for offender in upward_imports(PROJECTIONS / layer, layer)
    ]

    assert offenders == []


def test_contract_modules_import_no_layer():
    contract = [
        "registry",
        "naming",
        "visibility",
        "sources",
        "writes",
        "events",
        "errors",
    ]
    offenders = [
        f"{name}.py: {module}"
        for name in contract
        for module in imported_modules(PROJECTIONS / f"{name}.py")
        if layer_of(module)
    ]

    assert offenders == []


def test_an_upward_import_is_found(tmp_path):
    stores = tmp_path / "stores"
    stores.mkdir()
    (stores / "late.py").write_text(
        "def f():\n    from projections.running.engine import run\n"
    )

    assert upward_imports(stores, "stores") == [
        "stores/late.py: projections.running.engine"
    ]
