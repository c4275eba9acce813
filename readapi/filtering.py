"""django-filter FilterSets for the read side: they parse, validate and document
query parameters, and hand back store clauses. No QuerySet ever stands behind them."""

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any, ClassVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django_filters.fields import IsoDateTimeField

from readapi.errors import InvalidParameters
from readapi.queries.clauses import Clause, ClauseBuilder

EMPTY: tuple[object, ...] = (None, "", [], (), {})


class StrictBooleanField(forms.Field):
    """true/false (or 1/0); anything else is an error, never silently ignored."""

    TRUE = frozenset({"true", "1"})
    FALSE = frozenset({"false", "0"})

    def to_python(self, value: Any) -> bool | None:
        if value in EMPTY:
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValidationError("Use true or false.", code="invalid")

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


class BooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


class UtcDateTimeField(IsoDateTimeField):
    """ISO 8601, normalised to UTC: the stores take no offsets beyond +-18:00."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(UTC)
        except OverflowError:
            raise ValidationError(
                "Give a date-time between years 1 and 9999."
            ) from None


class DateTimeFilter(django_filters.Filter):
    field_class = UtcDateTimeField


class ReadFilterSet(django_filters.FilterSet):
    """A FilterSet whose cleaned values become clauses through `clause_builders`.

    Every filter has a clause builder or is one of `view_parameters`, which the
    view reads itself (paging, ordering, output options): a filter with neither
    would be ignored, so the system check readapi.E001 refuses it."""

    clause_builders: ClassVar[Mapping[str, ClauseBuilder]] = {}
    view_parameters: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, data: QueryDict) -> None:
        # django-filter deep-copies every filter per instance to bind it to a model
        # and a queryset; these are never bound nor changed, so they are shared.
        self.is_bound = True
        self.data = data
        self.queryset = None
        self.request = None
        self.form_prefix = None
        self.filters = self.base_filters

    @classmethod
    @cache
    def _form_class(cls) -> type[forms.Form]:
        fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
        return type(f"{cls.__name__}Form", (cls._meta.form,), fields)

    def get_form_class(self) -> type[forms.Form]:
        # Built once per filter set class, not once per request as django-filter does.
        return self._form_class()

    @classmethod
    def validate(cls, query: QueryDict) -> "ReadFilterSet":
        """The filter set of `query`, or a 400 naming every bad parameter."""
        problems = cls._unexpected(query)
        if problems:
            raise InvalidParameters(problems, code="unknown_parameters")
        filterset = cls(query)
        if not filterset.is_valid():
            fields = {
                name: list(errors) for name, errors in filterset.form.errors.items()
            }
            raise InvalidParameters(fields, code="invalid_parameters")
        return filterset

    @classmethod
    def _unexpected(cls, query: QueryDict) -> dict[str, list[str]]:
        problems = {}
        for name in query:
            if name not in cls.base_filters:
                problems[name] = ["Unknown parameter."]
            elif len(query.getlist(name)) > 1:
                problems[name] = ["Give this parameter once."]
        return problems

    @property
    def values(self) -> dict[str, Any]:
        """The parameters given, cleaned and normalised."""
        cleaned = self.form.cleaned_data
        return {name: value for name, value in cleaned.items() if value not in EMPTY}

    def clauses(self) -> list[Clause]:
        """Store clauses for every filter given a value."""
        return [
            self.clause_builders[name](value)
            for name, value in self.values.items()
            if name not in self.view_parameters
        ]

    @classmethod
    def filters_without_clause(cls) -> list[str]:
        """Filters that neither build a clause nor are read by the view."""
        return [
            name
            for name in cls.base_filters
            if name not in cls.clause_builders and name not in cls.view_parameters
        ]

    @classmethod
    def clauses_without_filter(cls) -> list[str]:
        """Clause builders of parameters this filter set does not take."""
        return [name for name in cls.clause_builders if name not in cls.base_filters]

    @property
    def qs(self) -> Any:
        raise TypeError("read-side filter sets produce clauses, not QuerySets")
