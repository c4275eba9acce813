"""URLs of the write role: admin, write API, health and metrics."""

from django.contrib import admin
from django.urls import include, path

from config.health import ReadinessView, healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("commands.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
    path("", include("django_prometheus.urls")),
]
