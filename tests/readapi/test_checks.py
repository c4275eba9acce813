"""A read filter that would be silently ignored stops `manage.py check`."""

import os
import sys

import django_filters
from django.test import override_settings
from django.urls import path

from readapi.checks import check_filter_sets, filter_set_errors
from readapi.filtering import ReadFilterSet
from readapi.queries import clauses
from readapi.read_view import ReadView
from tests.processes import run_to_end


class ColourFilterSet(ReadFilterSet):
    """Declares `colour` but never says how it narrows the read."""

    clause_builders = {"size": clauses.term("size")}

    size = django_filters.CharFilter()
    colour = django_filters.CharFilter()


class ColourView(ReadView):
    required_scope = "catalog:read"
    projections = ("products",)
    filterset_class = ColourFilterSet


urlpatterns = [path("colours", ColourView.as_view())]


def test_filter_set_errors_names_a_filter_without_a_clause():
    errors = filter_set_errors(ColourFilterSet)

    assert [(error.id, error.obj) for error in errors] == [
        ("readapi.E001", f"{__name__}.ColourFilterSet")
    ]
    assert "'colour'" in errors[0].msg


def test_filter_set_errors_names_a_clause_without_a_filter():
    class SizeOnly(ReadFilterSet):
        clause_builders = {"size": clauses.term("size"), "weight": clauses.term("w")}

        size = django_filters.CharFilter()

    errors = filter_set_errors(SizeOnly)

    assert [error.id for error in errors] == ["readapi.E002"]
    assert "'weight'" in errors[0].msg


@override_settings(ROOT_URLCONF=__name__)
def test_check_filter_sets_reports_the_filter_set_of_a_served_view():
    errors = check_filter_sets()

    assert [error.id for error in errors] == ["readapi.E001"]


def test_manage_check_runs_the_readapi_checks_and_the_read_api_passes():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.read"}

    result = run_to_end(
        [sys.executable, "manage.py", "check", "--tag", "readapi"],
        env=env,
        timeout=60,
    )

    assert "no issues" in result.stdout
