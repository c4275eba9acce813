"""Order endpoints, served from the OpenSearch `orders` read model."""

from projections.orders import schema
from readapi.generics import DocumentView, SearchListView
from readapi.orders.filters import OrderListFilterSet
from readapi.orders.serializers import OrderSerializer
from readapi.queries import orders
from readapi.read_view import ReadView


class OrderView(ReadView):
    required_scope = "orders:read"
    projections = (schema.PROJECTION,)


class OrderListView(OrderView, SearchListView):
    """Orders matching the filters, one keyset page at a time."""

    operation_id = "orders_list"
    summary = "List orders"
    filterset_class = OrderListFilterSet
    serializer_class = OrderSerializer
    cursor_salt = "readapi.orders.list"
    search = staticmethod(orders.search_orders)
    default_ordering = orders.DEFAULT_ORDERING


class OrderDetailView(OrderView, DocumentView):
    """One order by id."""

    operation_id = "orders_retrieve"
    summary = "One order"
    lookup_url_kwarg = "order_id"
    read_document = staticmethod(orders.get_order)
    serializer_class = OrderSerializer
    not_found_message = "There is no order with this id."
