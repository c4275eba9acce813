"""Product endpoints, served from the OpenSearch `products` read model."""

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from projections.products import schema
from readapi.generics import Document, DocumentView, SearchListView
from readapi.products.filters import (
    ProductFilterSet,
    ProductListFilterSet,
    ProductSuggestFilterSet,
)
from readapi.products.serializers import (
    HighlightSerializer,
    ProductFacetsSerializer,
    ProductPageSerializer,
    ProductSerializer,
    SuggestionSerializer,
    SuggestionsSerializer,
)
from readapi.queries import products
from readapi.queries.search import KeysetPage
from readapi.read_view import ReadView


class ProductView(ReadView):
    required_scope = "catalog:read"
    projections = (schema.PROJECTION,)


class ProductListView(ProductView, SearchListView):
    """Products matching the filters, one keyset page at a time."""

    operation_id = "products_list"
    summary = "Search and list products"
    filterset_class = ProductListFilterSet
    serializer_class = ProductSerializer
    page_serializer_class = ProductPageSerializer
    cursor_salt = "readapi.products.list"
    search = staticmethod(products.search_products)

    def get_default_ordering(self) -> str:
        return products.default_ordering(searching="search" in self.params.values)

    def get_search_options(self) -> dict[str, Any]:
        return {"highlight": bool(self.params.values.get("highlight"))}

    def get_results(self, page: KeysetPage) -> list[Document]:
        results = super().get_results(page)
        if page.highlights is not None:
            for result, fragments in zip(results, page.highlights, strict=True):
                result["highlight"] = HighlightSerializer.represent(
                    products.highlighted(fragments)
                )
        return results


class ProductDetailView(ProductView, DocumentView):
    """One product by id."""

    operation_id = "products_retrieve"
    summary = "One product"
    lookup_url_kwarg = "product_id"
    read_document = staticmethod(products.get_product)
    serializer_class = ProductSerializer
    not_found_message = "There is no product with this id."


class ProductFacetsView(ProductView):
    """Counts of the matching products by category, status, availability and price."""

    operation_id = "products_facets"
    summary = "Facet counts of matching products"
    filterset_class = ProductFilterSet
    response_serializer_class = ProductFacetsSerializer

    def get(self, request: Request) -> Response:
        facets = products.product_facets(filters=self.params.clauses())
        return Response(ProductFacetsSerializer.represent(facets))


class ProductSuggestView(ProductView):
    """Completions of what a user has typed so far, for a search box."""

    operation_id = "products_suggest"
    summary = "Autocomplete product names"
    filterset_class = ProductSuggestFilterSet
    response_serializer_class = SuggestionsSerializer

    def get(self, request: Request) -> Response:
        suggestions = products.suggest_products(self.params.values["q"])
        return Response({"results": SuggestionSerializer.represent_many(suggestions)})
