"""Query parameters of the product endpoints."""

import django_filters
from django.core.validators import validate_slug

from readapi.filtering import BooleanFilter, ReadFilterSet
from readapi.keyset_filters import KeysetFilterSet
from readapi.queries import products

STATUSES = [("draft", "Draft"), ("active", "Active"), ("archived", "Archived")]
PRICE = {"min_value": 0, "max_digits": 12, "decimal_places": 2}


class ProductFilterSet(ReadFilterSet):
    """Which products match: shared by the list and the facets."""

    clause_builders = products.CLAUSES

    search = django_filters.CharFilter(
        label="Search",
        help_text=(
            "Words to find in name, description and category names; all must match. "
            "Accents and case are ignored, plurals and other word forms match, "
            "synonyms count, and without operators small typos and word "
            "beginnings match too. An exact SKU ranks first. "
            '"quotes" for a phrase, -word to exclude, a | b for either.'
        ),
        max_length=200,
    )
    category = django_filters.CharFilter(
        label="Category",
        help_text="Category slug; includes its sub-categories.",
        max_length=100,
        validators=[validate_slug],
    )
    min_price = django_filters.NumberFilter(
        label="Minimum price", help_text="Inclusive, e.g. 9.99.", **PRICE
    )
    max_price = django_filters.NumberFilter(
        label="Maximum price", help_text="Inclusive, e.g. 49.99.", **PRICE
    )
    status = django_filters.ChoiceFilter(
        label="Status", help_text="Catalogue status.", choices=STATUSES
    )
    in_stock = BooleanFilter(
        label="In stock",
        help_text="true: only available products; false: only sold out.",
    )


class ProductListFilterSet(ProductFilterSet, KeysetFilterSet):
    """The list's filters, plus ordering and keyset navigation."""

    view_parameters = KeysetFilterSet.view_parameters | {"ordering", "highlight"}

    ordering = django_filters.ChoiceFilter(
        label="Ordering",
        help_text="Default: relevance when searching, else -created_at (newest first).",
        choices=[(value, value) for value in products.ORDERINGS],
    )

    highlight = BooleanFilter(
        label="Highlight",
        help_text=(
            "true: each result carries `highlight`, its name and description "
            "fragments with the matched words in <em> (HTML-escaped otherwise)."
        ),
    )


class ProductSuggestFilterSet(ReadFilterSet):
    """The one parameter of autocomplete."""

    view_parameters = frozenset({"q"})

    q = django_filters.CharFilter(
        label="Prefix",
        help_text=(
            "What the user typed so far; every word must begin a word of the name "
            "(accents and case ignored)."
        ),
        required=True,
        max_length=100,
    )
