"""Every projection the engine runs, by name.

Adding a projection is a package `projections/<name>/` with `schema.py`
(names, mappings), `fold.py` (pure `build`), `load.py` (`keys_for`, `load`:
the write-model I/O) and `spec.py` (the `SPEC` tying them together), plus one
line in `SPEC_MODULES` below. See projections/README.md.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any, Literal

from projections.errors import UnknownProjection
from projections.events import Event
from projections.writes import Write

SPEC_MODULES = (
    "projections.products.spec",
    "projections.orders.spec",
    "projections.stock.spec",
    "projections.top_products.spec",
    "projections.customer_summary.spec",
    "projections.api_keys.spec",
)

StoreKind = Literal["opensearch", "redis"]


@dataclass(frozen=True)
class ProjectionSpec:
    """How one read model is derived from the outbox and the write model.

    - `keys_for(event)`: which documents an event affects (may query the
      write model, e.g. every product under a renamed category);
    - `load(keys)`: the current state of those documents, `{key: row}`, read
      in one consistent snapshot; a key missing from the result is skipped;
    - `build(row)`: a pure function from a row to a versioned `Write`.
    """

    name: str
    store: StoreKind
    aggregate_types: frozenset[str]
    keys_for: Callable[[Event], Iterable[str]]
    load: Callable[[Sequence[str]], Mapping[str, Any]]
    build: Callable[[Any], Write]
    index_settings: Mapping[str, Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)

    def handles(self, event: Event) -> bool:
        return event.aggregate_type in self.aggregate_types


@cache
def _specs() -> dict[str, ProjectionSpec]:
    specs = (import_module(path).SPEC for path in SPEC_MODULES)
    return {spec.name: spec for spec in specs}


def get(name: str) -> ProjectionSpec:
    """The projection called `name`; `UnknownProjection` if there is none."""
    try:
        return _specs()[name]
    except KeyError:
        raise UnknownProjection(name) from None


def names() -> list[str]:
    """Names of every registered projection, in registration order."""
    return list(_specs())


def all_specs() -> list[ProjectionSpec]:
    return list(_specs().values())
