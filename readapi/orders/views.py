"""Order endpoints, served from the OpenSearch `orders` read model."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from readapi.openapi import CONSISTENCY_TOKEN, error_responses, filter_parameters
from readapi.orders.filters import OrderListFilterSet
from readapi.orders.serializers import OrderPageSerializer, OrderSerializer
from readapi.pagination import DEFAULT_PAGE_SIZE, KeysetPagination, search_page
from readapi.queries import orders
from readapi.read_view import ReadView


class OrderView(ReadView):
    required_scope = "orders:read"
    projections = ("orders",)


class OrderListView(OrderView):
    """Orders matching the filters, one keyset page at a time."""

    filterset_class = OrderListFilterSet
    cursor_salt = "readapi.orders.list"

    @extend_schema(
        operation_id="orders_list",
        summary="List orders",
        parameters=[*filter_parameters(OrderListFilterSet), CONSISTENCY_TOKEN],
        responses={
            200: OrderPageSerializer,
            **error_responses(400, 401, 403, 429, 503),
        },
    )
    def get(self, request: Request) -> Response:
        values = self.params.values
        ordering = values.get("ordering") or orders.DEFAULT_ORDERING
        pagination = KeysetPagination.for_query(
            request=request,
            salt=self.cursor_salt,
            params={**values, "ordering": ordering},
        )
        position = pagination.position(values.get("cursor"))
        page = orders.search_orders(
            filters=self.params.clauses(),
            ordering=ordering,
            page=search_page(
                position=position, size=values.get("page_size", DEFAULT_PAGE_SIZE)
            ),
        )
        results = OrderSerializer.represent_many(page.rows)
        return Response(pagination.body(page=page, results=results, position=position))


class OrderDetailView(OrderView):
    """One order by id."""

    @extend_schema(
        operation_id="orders_retrieve",
        summary="One order",
        parameters=[CONSISTENCY_TOKEN],
        responses={
            200: OrderSerializer,
            **error_responses(400, 401, 403, 404, 429, 503),
        },
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = orders.get_order(order_id)
        if order is None:
            raise NotFound("There is no order with this id.")
        return Response(OrderSerializer.represent(order))
