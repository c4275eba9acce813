"""Routes of the write API (mounted under `api/`)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from commands.api import docs, listings, views

app_name = "api"

View = Callable[..., HttpResponse]


def by_method(**views_by_method: View) -> View:
    """One URL, one view per operation: route each HTTP method to its own view."""
    routes = {method.upper(): view for method, view in views_by_method.items()}
    fallback = next(iter(routes.values()))

    # Each DRF view enforces CSRF for session-authenticated requests itself.
    @csrf_exempt
    def route(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        method = "GET" if request.method == "HEAD" else request.method
        return routes.get(method, fallback)(request, *args, **kwargs)

    # The schema generator documents each method's view (commands.api.schema).
    route.views_by_method = routes  # type: ignore[attr-defined]
    return route


urlpatterns = [
    path(
        "categories",
        by_method(
            get=listings.CategoryListView.as_view(),
            post=views.CategoryCreateView.as_view(),
        ),
        name="category-list",
    ),
    path(
        "categories/<int:pk>",
        views.CategoryUpdateView.as_view(),
        name="category-detail",
    ),
    path(
        "products",
        by_method(
            get=listings.ProductListView.as_view(),
            post=views.ProductCreateView.as_view(),
        ),
        name="product-list",
    ),
    path("products/<int:pk>", views.ProductUpdateView.as_view(), name="product-detail"),
    path(
        "products/<int:pk>/archive",
        views.ProductArchiveView.as_view(),
        name="product-archive",
    ),
    path("stock", listings.StockListView.as_view(), name="stock-list"),
    path(
        "stock/<int:product_id>/adjust",
        views.StockAdjustView.as_view(),
        name="stock-adjust",
    ),
    path(
        "customers",
        by_method(
            get=listings.CustomerListView.as_view(),
            post=views.CustomerRegisterView.as_view(),
        ),
        name="customer-list",
    ),
    path(
        "customers/<int:pk>",
        views.CustomerUpdateView.as_view(),
        name="customer-detail",
    ),
    path(
        "orders",
        by_method(
            get=listings.OrderListView.as_view(),
            post=views.OrderPlaceView.as_view(),
        ),
        name="order-list",
    ),
    path("orders/<int:pk>/pay", views.OrderPayView.as_view(), name="order-pay"),
    path("orders/<int:pk>/ship", views.OrderShipView.as_view(), name="order-ship"),
    path(
        "orders/<int:pk>/cancel", views.OrderCancelView.as_view(), name="order-cancel"
    ),
    path("schema", docs.SchemaView.as_view(), name="schema"),
    path("docs", docs.DocsView.as_view(), name="docs"),
    path("docs/assets/<path:path>", docs.docs_asset, name="docs-asset"),
]
