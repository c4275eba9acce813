"""URLs of the read role: the v1 read API, health (metrics: `manage.py serve_metrics`, its own port)."""

from django.urls import include, path

from config.health import ReadinessView, healthz

urlpatterns = [
    path("v1/", include("readapi.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
]

# Unknown URLs and unexpected failures answer in the API's JSON error shape.
handler400 = "readapi.errors.bad_request"
handler404 = "readapi.errors.not_found"
handler500 = "readapi.errors.server_error"
