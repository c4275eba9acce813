"""Staff listings straight from the ORM (`GET /api/<resource>`), filtered by FilterSets."""

from rest_framework.generics import ListAPIView

from commands.api import filters, serializers
from commands.models import Category, Customer, Order, Product, StockItem


class CategoryListView(ListAPIView):
    queryset = Category.objects.all()
    serializer_class = serializers.CategoryOutput
    filterset_class = filters.CategoryFilter


class ProductListView(ListAPIView):
    queryset = Product.objects.all()
    serializer_class = serializers.ProductOutput
    filterset_class = filters.ProductFilter


class StockListView(ListAPIView):
    queryset = StockItem.objects.all()
    serializer_class = serializers.StockOutput
    filterset_class = filters.StockFilter


class CustomerListView(ListAPIView):
    queryset = Customer.objects.all()
    serializer_class = serializers.CustomerOutput
    filterset_class = filters.CustomerFilter


class OrderListView(ListAPIView):
    queryset = Order.objects.prefetch_related("lines")
    serializer_class = serializers.OrderOutput
    filterset_class = filters.OrderFilter
