"""Keyset pages shaped like DRF's cursor pages: results, next, previous."""

from dataclasses import dataclass
from functools import cache
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.utils.urls import replace_query_param

from readapi.cursors import Cursor, decode_cursor, encode_cursor, query_fingerprint
from readapi.queries.search import KeysetPage, PageRequest

# Parameters that move through the results rather than change which rows match.
NAVIGATION = frozenset({"cursor", "page_size"})
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class KeysetPagination:
    """Decodes the request's cursor and signs the cursors of the pages around it."""

    request: Request
    salt: str
    fingerprint: str

    @classmethod
    def for_query(
        cls, *, request: Request, salt: str, params: dict[str, Any]
    ) -> "KeysetPagination":
        """Cursors bound to `params` (minus navigation) and to one endpoint (`salt`)."""
        query = {k: v for k, v in params.items() if k not in NAVIGATION}
        return cls(request=request, salt=salt, fingerprint=query_fingerprint(query))

    def position(self, token: str | None) -> Cursor | None:
        """Where the requested page starts; None for the first page."""
        if not token:
            return None
        return decode_cursor(token=token, salt=self.salt, fingerprint=self.fingerprint)

    def body(
        self, *, page: KeysetPage, results: list[Any], position: Cursor | None
    ) -> dict:
        """The response document of one page."""
        next_key, previous_key = _neighbours(page=page, position=position)
        return {
            "results": results,
            "next": self._link(key=next_key, backwards=False, pit_id=page.pit_id),
            "previous": self._link(
                key=previous_key, backwards=True, pit_id=page.pit_id
            ),
        }

    def _link(
        self, *, key: list[Any] | None, backwards: bool, pit_id: str | None
    ) -> str | None:
        if key is None:
            return None
        cursor = Cursor(key=key, backwards=backwards, pit_id=pit_id)
        token = encode_cursor(
            cursor=cursor, salt=self.salt, fingerprint=self.fingerprint
        )
        return replace_query_param(self.request.build_absolute_uri(), "cursor", token)


def _neighbours(
    *, page: KeysetPage, position: Cursor | None
) -> tuple[list[Any] | None, list[Any] | None]:
    """Sort keys the next and previous pages start beyond (None: no such page)."""
    if not page.keys:
        return None, None
    first, last = page.keys[0], page.keys[-1]
    if position is not None and position.backwards:
        return last, first if page.has_more else None
    return (last if page.has_more else None), (first if position is not None else None)


def search_page(*, position: Cursor | None, size: int) -> PageRequest:
    """The OpenSearch page request for a cursor position."""
    if position is None:
        return PageRequest(size=size)
    return PageRequest(
        size=size,
        after=position.key,
        backwards=position.backwards,
        pit_id=position.pit_id,
    )


@cache
def page_serializer(
    results: type[serializers.Serializer], *, name: str | None = None
) -> type[serializers.Serializer]:
    """The documented shape of a keyset page of `results`, named `<Result>Page`
    (or `name`); one class per arguments, so the schema names it once."""
    prefix = name or results.__name__.removesuffix("Serializer")
    fields = {
        "results": results(many=True),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
    }
    return type(f"{prefix}PageSerializer", (serializers.Serializer,), fields)
