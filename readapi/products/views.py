"""Product endpoints, served from the OpenSearch `products` read model."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from readapi.openapi import CONSISTENCY_TOKEN, error_responses, filter_parameters
from readapi.pagination import DEFAULT_PAGE_SIZE, KeysetPagination, search_page
from readapi.products.filters import ProductFilterSet, ProductListFilterSet
from readapi.products.serializers import (
    ProductFacetsSerializer,
    ProductPageSerializer,
    ProductSerializer,
)
from readapi.queries import products
from readapi.read_view import ReadView


class ProductView(ReadView):
    required_scope = "catalog:read"
    projections = ("products",)


class ProductListView(ProductView):
    """Products matching the filters, one keyset page at a time."""

    filterset_class = ProductListFilterSet
    cursor_salt = "readapi.products.list"

    @extend_schema(
        operation_id="products_list",
        summary="Search and list products",
        parameters=[*filter_parameters(ProductListFilterSet), CONSISTENCY_TOKEN],
        responses={
            200: ProductPageSerializer,
            **error_responses(400, 401, 403, 429, 503),
        },
    )
    def get(self, request: Request) -> Response:
        values = self.params.values
        ordering = values.get("ordering") or products.default_ordering(
            searching="search" in values
        )
        pagination = KeysetPagination.for_query(
            request=request,
            salt=self.cursor_salt,
            params={**values, "ordering": ordering},
        )
        position = pagination.position(values.get("cursor"))
        page = products.search_products(
            filters=self.params.clauses(),
            ordering=ordering,
            page=search_page(
                position=position, size=values.get("page_size", DEFAULT_PAGE_SIZE)
            ),
        )
        results = ProductSerializer.represent_many(page.rows)
        return Response(pagination.body(page=page, results=results, position=position))


class ProductDetailView(ProductView):
    """One product by id."""

    @extend_schema(
        operation_id="products_retrieve",
        summary="One product",
        parameters=[CONSISTENCY_TOKEN],
        responses={
            200: ProductSerializer,
            **error_responses(400, 401, 403, 404, 429, 503),
        },
    )
    def get(self, request: Request, product_id: int) -> Response:
        product = products.get_product(product_id)
        if product is None:
            raise NotFound("There is no product with this id.")
        return Response(ProductSerializer.represent(product))


class ProductFacetsView(ProductView):
    """Counts of the matching products by category, status, availability and price."""

    filterset_class = ProductFilterSet

    @extend_schema(
        operation_id="products_facets",
        summary="Facet counts of matching products",
        parameters=[*filter_parameters(ProductFilterSet), CONSISTENCY_TOKEN],
        responses={
            200: ProductFacetsSerializer,
            **error_responses(400, 401, 403, 429, 503),
        },
    )
    def get(self, request: Request) -> Response:
        facets = products.product_facets(filters=self.params.clauses())
        return Response(ProductFacetsSerializer.represent(facets))
