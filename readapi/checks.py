"""System checks of the read API's declarations; `manage.py check` runs them."""

from collections.abc import Iterable, Iterator
from typing import Any

from django.core import checks
from django.urls import URLResolver, get_resolver

from readapi.filtering import ReadFilterSet
from readapi.read_view import ReadView

TAG = "readapi"


def check_filter_sets(**kwargs: Any) -> list[checks.CheckMessage]:
    """readapi.E001/E002 for the filter sets of every read view the URLconf serves."""
    return [
        error
        for filterset_class in served_filter_sets()
        for error in filter_set_errors(filterset_class)
    ]


def filter_set_errors(filterset_class: type[ReadFilterSet]) -> list[checks.Error]:
    """A filter that builds no clause (E001), a clause of no filter (E002)."""
    name = f"{filterset_class.__module__}.{filterset_class.__qualname__}"
    unbuilt = [
        checks.Error(
            f"Filter '{field}' builds no clause, so it would be ignored.",
            hint="Give it a clause builder in clause_builders, or name it in "
            "view_parameters if the view reads it itself.",
            obj=name,
            id="readapi.E001",
        )
        for field in filterset_class.filters_without_clause()
    ]
    stray = [
        checks.Error(
            f"clause_builders has '{field}', which is no filter of this filter set.",
            hint="Declare the filter, or drop its clause builder.",
            obj=name,
            id="readapi.E002",
        )
        for field in filterset_class.clauses_without_filter()
    ]
    return [*unbuilt, *stray]


def served_filter_sets() -> list[type[ReadFilterSet]]:
    """The filter sets of the read views in the URLconf, each once."""
    views = _view_classes(get_resolver().url_patterns)
    found = {v.filterset_class: None for v in views if issubclass(v, ReadView)}
    return list(found)


def _view_classes(patterns: Iterable[Any]) -> Iterator[type]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _view_classes(pattern.url_patterns)
            continue
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None:
            yield view_class
