"""URLs of the benchmark servers (see readapi_settings)."""

from django.conf import settings
from django.urls import include, path

if settings.BENCH_SERVER == "offset":
    from bench.readapi_views import OffsetProductListView

    urlpatterns = [path("offset/products", OffsetProductListView.as_view())]
else:
    from bench.readapi_views import plain_products

    urlpatterns = [
        path("bench/plain-products", plain_products),
        path("", include("config.urls_read")),
    ]
