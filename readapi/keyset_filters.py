"""The parameters every keyset-paginated list takes."""

import django_filters

from readapi.cursors import MAX_LENGTH
from readapi.filtering import IntegerFilter, ReadFilterSet
from readapi.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


class KeysetFilterSet(ReadFilterSet):
    view_parameters = frozenset({"page_size", "cursor"})

    page_size = IntegerFilter(
        label="Page size",
        help_text=f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
        min_value=1,
        max_value=MAX_PAGE_SIZE,
    )
    cursor = django_filters.CharFilter(
        label="Cursor",
        help_text="Opaque; copy it from the `next` or `previous` link of a page.",
        max_length=MAX_LENGTH,
    )
