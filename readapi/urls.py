"""The v1 read API (mounted under /v1/ by config.urls_read)."""

from django.urls import path

from readapi.customers.views import CustomerSummaryView
from readapi.docs import DocsView, SchemaView, docs_asset
from readapi.leaderboards.views import TopProductsView
from readapi.orders.views import OrderDetailView, OrderListView
from readapi.products.views import (
    ProductDetailView,
    ProductFacetsView,
    ProductListView,
    ProductSuggestView,
)
from readapi.stock.views import StockDetailView

app_name = "readapi"

urlpatterns = [
    path("products", ProductListView.as_view(), name="product-list"),
    path("products/facets", ProductFacetsView.as_view(), name="product-facets"),
    path("products/suggest", ProductSuggestView.as_view(), name="product-suggest"),
    path(
        "products/<int:product_id>", ProductDetailView.as_view(), name="product-detail"
    ),
    path("orders", OrderListView.as_view(), name="order-list"),
    path("orders/<int:order_id>", OrderDetailView.as_view(), name="order-detail"),
    path("stock/<int:product_id>", StockDetailView.as_view(), name="stock-detail"),
    path("leaderboards/top-products", TopProductsView.as_view(), name="top-products"),
    path(
        "customers/<int:customer_id>/summary",
        CustomerSummaryView.as_view(),
        name="customer-summary",
    ),
    path("schema", SchemaView.as_view(), name="schema"),
    path("docs", DocsView.as_view(), name="docs"),
    path("docs/assets/<path:path>", docs_asset, name="docs-asset"),
]
