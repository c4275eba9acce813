"""Every projection the engine runs, by name: one registration per projection.

A projection is a package `projections/<name>/` whose `spec.py` declares
`SPEC = ProjectionSpec(...)`: its name, the write side's aggregate types it
follows, `keys_for`/`load`/`build`, the write-model source its rebuilds and
verification read, and its store's shape (index settings, mappings and
orderings, or a Redis key layout). The registry finds every such module; a
registration with a part missing fails when it is built, naming the
projection and the part, and the `projections` app's system check reports it
at start-up. See projections/README.md ("How to add a projection").
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import Any, Literal

from django.core import checks

from commands import events as write_side
from projections.errors import IncompleteProjection, UnknownProjection
from projections.events import Event
from projections.naming import RedisKeys
from projections.sources import Layout, Source
from projections.writes import Write

StoreKind = Literal["opensearch", "redis"]
STORES: tuple[StoreKind, ...] = ("opensearch", "redis")
PACKAGE = Path(__file__).parent


class _Missing:
    """A part nobody declared (None could pass for a value)."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()

# What each part is, for a message a person can act on.
PARTS = {
    "name": "the projection's name (its checkpoint, alias / Redis namespace)",
    "store": f"where it lives, one of {', '.join(STORES)}",
    "aggregate_types": "the write side's aggregate types it follows "
    "(constants of commands.events)",
    "keys_for": "keys_for(event): the documents an event affects",
    "load": "load(keys): their current state in the write model",
    "build": "build(row): the pure fold to a versioned write",
    "source": "the write-model table rebuilds and verification read "
    "(projections.sources.Source)",
    "index_settings": "the OpenSearch index settings",
    "mappings": "the OpenSearch mappings",
    "key_layout": "the Redis key layout (projections.naming.HashKeys or RankKeys)",
}
REQUIRED = ("name", "store", "aggregate_types", "keys_for", "load", "build", "source")
REQUIRED_BY_STORE: dict[str, tuple[str, ...]] = {
    "opensearch": ("index_settings", "mappings"),
    "redis": ("key_layout",),
}


@dataclass(frozen=True, kw_only=True)
class ProjectionSpec:
    """How one read model is derived from the outbox and the write model.

    - `keys_for(event)`: which documents an event affects (may query the
      write model, e.g. every product under a renamed category);
    - `load(keys)`: the current state of those documents, `{key: row}`, read
      in one consistent snapshot; a key missing from the result is skipped;
    - `build(row)`: a pure function from a row to a versioned `Write`;
    - `source`: the driving write-model table of rebuilds and verification;
    - OpenSearch: `index_settings`, `mappings` and `orderings` (public name
      -> sort field); Redis: `key_layout`.
    """

    name: str = _MISSING
    store: StoreKind = _MISSING
    aggregate_types: frozenset[str] = _MISSING
    keys_for: Callable[[Event], Iterable[str]] = _MISSING
    load: Callable[[Sequence[str]], Mapping[str, Any]] = _MISSING
    build: Callable[[Any], Write] = _MISSING
    source: Source = _MISSING
    index_settings: Mapping[str, Any] = _MISSING
    mappings: Mapping[str, Any] = _MISSING
    orderings: Mapping[str, str] = field(default_factory=dict)
    key_layout: RedisKeys = _MISSING

    def __post_init__(self) -> None:
        problems = registration_problems(self)
        if problems:
            raise IncompleteProjection(name=_label(self), problems=problems)

    def handles(self, event: Event) -> bool:
        return event.aggregate_type in self.aggregate_types

    @property
    def layout(self) -> Layout:
        """How its entries are kept: documents, one hash each, or a leaderboard."""
        return "document" if self.store == "opensearch" else self.key_layout.layout


def registration_problems(spec: ProjectionSpec) -> list[str]:
    """What is missing or wrong in a registration, one line per part."""
    missing = [part for part in _required(spec) if getattr(spec, part) is _MISSING]
    problems = [f"no {part}: {PARTS[part]}" for part in missing]
    rules = (
        _store_problems,
        _type_problems,
        _source_problems,
        _ordering_problems,
        _layout_problems,
    )
    return problems + [line for rule in rules for line in rule(spec, missing)]


def _required(spec: ProjectionSpec) -> tuple[str, ...]:
    return REQUIRED + REQUIRED_BY_STORE.get(spec.store, ())


def _store_problems(spec: ProjectionSpec, missing: list[str]) -> list[str]:
    if "store" in missing or spec.store in STORES:
        return []
    return [f"store {spec.store!r}: {PARTS['store']}"]


def _type_problems(spec: ProjectionSpec, missing: list[str]) -> list[str]:
    if "aggregate_types" in missing:
        return []
    if not spec.aggregate_types:
        return [f"no aggregate_types: {PARTS['aggregate_types']}"]
    unknown = sorted(set(spec.aggregate_types) - write_side.AGGREGATE_TYPES)
    return [
        f"aggregate type {kind!r} is not one the write side emits" for kind in unknown
    ]


def _source_problems(spec: ProjectionSpec, missing: list[str]) -> list[str]:
    if {"source", "aggregate_types"} & set(missing):
        return []
    driving = spec.source.aggregate_type
    if driving in spec.aggregate_types:
        return []
    return [f"source aggregate type {driving!r} is not among its aggregate_types"]


def _ordering_problems(spec: ProjectionSpec, missing: list[str]) -> list[str]:
    if not spec.orderings:
        return []
    if spec.store != "opensearch" or "mappings" in missing:
        return ["orderings need OpenSearch mappings to sort on"]
    return [
        f"ordering {name!r} sorts on {path!r}, which the mappings lack"
        for name, path in spec.orderings.items()
        if not _mapped(spec.mappings, path)
    ]


def _layout_problems(spec: ProjectionSpec, missing: list[str]) -> list[str]:
    if {"name", "key_layout"} & set(missing) or spec.key_layout is _MISSING:
        return []
    if spec.store != "redis":
        return ["a key_layout is for Redis projections"]
    owner = spec.key_layout.projection
    if owner == spec.name:
        return []
    return [f"key_layout lays out {owner!r}'s keys, not its own"]


def _mapped(mappings: Mapping[str, Any], path: str) -> bool:
    """Is the dotted field `path` (e.g. `name.sort`, a sub-field) in the mappings?"""
    head, _, sub = path.partition(".")
    prop = mappings.get("properties", {}).get(head)
    if prop is None or not sub:
        return prop is not None
    return sub in prop.get("fields", {}) or _mapped(prop, sub)


def _label(spec: ProjectionSpec) -> str:
    return "<unnamed>" if spec.name is _MISSING else str(spec.name)


def spec_modules() -> list[str]:
    """The registration module of every projection package, by package name."""
    return [
        f"projections.{path.parent.name}.spec"
        for path in sorted(PACKAGE.glob("*/spec.py"))
    ]


@cache
def _specs() -> dict[str, ProjectionSpec]:
    specs = (_registered(path) for path in spec_modules())
    return {spec.name: spec for spec in specs}


def _registered(path: str) -> ProjectionSpec:
    spec = getattr(import_module(path), "SPEC", None)
    package = path.split(".")[-2]
    if not isinstance(spec, ProjectionSpec):
        raise IncompleteProjection(
            name=package, problems=[f"{path} declares no SPEC = ProjectionSpec(...)"]
        )
    if spec.name != package:
        raise IncompleteProjection(
            name=spec.name,
            problems=[f"its name must be its package's, {package!r} ({path})"],
        )
    return spec


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


def registration_errors() -> list[IncompleteProjection]:
    """Every registration that fails, each with what it lacks (for the system check)."""
    errors = []
    for path in spec_modules():
        try:
            _registered(path)
        except IncompleteProjection as exc:
            errors.append(exc)
    return errors


def check_registrations(**kwargs: Any) -> list[checks.CheckMessage]:
    """Django system check: every projection package is registered completely."""
    return [
        checks.Error(str(error), hint=HINT, obj=error.name, id="projections.E001")
        for error in registration_errors()
    ]


HINT = "Complete SPEC in projections/<name>/spec.py (projections/README.md)."
