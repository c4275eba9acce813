"""Generic read views, the way DRF's generics are: a concrete endpoint declares
what it serves (scope, read model, filter set, serializer, query function) and
these carry the recipe."""

from typing import Any, ClassVar

from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from readapi.cursors import Cursor
from readapi.keyset_filters import KeysetFilterSet
from readapi.pagination import (
    DEFAULT_PAGE_SIZE,
    KeysetPagination,
    page_serializer,
    search_page,
)
from readapi.queries.search import KeysetPage
from readapi.read_view import ReadView
from readapi.representation import DocumentSerializer

Document = dict[str, Any]


class DocumentView(ReadView):
    """One document by the id in the URL (`lookup_url_kwarg`): `read_document`
    finds it, `serializer_class` shapes it; absent, a 404 says `not_found_message`."""

    lookup_url_kwarg: ClassVar[str]
    # Quoted: staticmethod is generic to type checkers only.
    read_document: ClassVar["staticmethod[[int], Document | None]"]
    serializer_class: ClassVar[type[DocumentSerializer]]
    not_found_message: ClassVar[str]
    error_statuses = (400, 401, 403, 404, 429, 503)

    def get_response_serializer(self) -> type[Serializer]:
        return self.serializer_class

    def get(self, request: Request, **kwargs: int) -> Response:
        document = type(self).read_document(kwargs[self.lookup_url_kwarg])
        if document is None:
            raise NotFound(self.not_found_message)
        return Response(self.serializer_class.represent(document))


class KeysetListView(ReadView):
    """One keyset page at a time: `get_page` reads the rows after (or before) the
    cursor's position, `serializer_class` shapes each, and the page links its
    neighbours with cursors signed for `cursor_salt` and bound to the query."""

    filterset_class: ClassVar[type[KeysetFilterSet]] = KeysetFilterSet
    serializer_class: ClassVar[type[DocumentSerializer]]
    cursor_salt: ClassVar[str]
    # The documented page, when its results show more than `serializer_class`.
    page_serializer_class: ClassVar[type[Serializer] | None] = None

    def get_response_serializer(self) -> type[Serializer]:
        return self.page_serializer_class or page_serializer(self.serializer_class)

    def get(self, request: Request) -> Response:
        values = self.params.values
        ordering = self.get_ordering()
        pagination = KeysetPagination.for_query(
            request=request,
            salt=self.cursor_salt,
            params=values if ordering is None else {**values, "ordering": ordering},
        )
        position = pagination.position(values.get("cursor"))
        page = self.get_page(
            position=position,
            size=values.get("page_size", DEFAULT_PAGE_SIZE),
            ordering=ordering,
        )
        results = self.get_results(page)
        return Response(pagination.body(page=page, results=results, position=position))

    def get_ordering(self) -> str | None:
        """The order rows are read in; None where the read model has only one."""
        return None

    def get_page(
        self, *, position: Cursor | None, size: int, ordering: str | None
    ) -> KeysetPage:
        """`size` rows from `position` (None: the first page) in `ordering`."""
        raise NotImplementedError(f"{type(self).__name__} must read its pages")

    def get_results(self, page: KeysetPage) -> list[Document]:
        """The page's rows in their output shape."""
        return self.serializer_class.represent_many(page.rows)


class SearchListView(KeysetListView):
    """A keyset list over an OpenSearch read model: the filter set's clauses, in
    the requested ordering (else `default_ordering`), through the query function
    `search(filters=, ordering=, page=, **get_search_options())`."""

    search: ClassVar["staticmethod[..., KeysetPage]"]
    default_ordering: ClassVar[str]

    def get_ordering(self) -> str:
        return str(self.params.values.get("ordering") or self.get_default_ordering())

    def get_default_ordering(self) -> str:
        return self.default_ordering

    def get_page(
        self, *, position: Cursor | None, size: int, ordering: str | None
    ) -> KeysetPage:
        return type(self).search(
            filters=self.params.clauses(),
            ordering=ordering,
            page=search_page(position=position, size=size),
            **self.get_search_options(),
        )

    def get_search_options(self) -> dict[str, Any]:
        """Further keyword arguments of `search`."""
        return {}
