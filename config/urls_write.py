"""URLs of the write role: admin, write API, health (metrics: `manage.py serve_metrics`, its own port)."""

from django.contrib import admin
from django.urls import include, path

from config.health import ReadinessView, healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("commands.api.urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", ReadinessView.as_view(), name="readyz"),
]
