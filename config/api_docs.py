"""An OpenAPI schema view and a Swagger UI page that works offline, for either API.

Swagger UI's scripts and styles ship inside drf-spectacular-sidecar; each API
serves them itself, so its docs page loads nothing from a CDN.
"""

from pathlib import Path

import drf_spectacular_sidecar
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

ASSETS = (
    Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
)


class OpenSchemaView(SpectacularAPIView):
    """The OpenAPI 3 document; open to everyone (it describes, it holds no data)."""

    authentication_classes = []
    permission_classes = []


class OfflineDocsView(SpectacularSwaggerView):
    """Swagger UI over `url_name`, with every asset served by `asset_url_name`."""

    authentication_classes = []
    permission_classes = []
    asset_url_name: str

    # Static methods upstream; these need the instance for `asset_url_name`.
    def _swagger_ui_resource(self, filename: str) -> str:  # type: ignore[override]
        return reverse(
            self.asset_url_name, kwargs={"path": f"swagger-ui-dist/{filename}"}
        )

    def _swagger_ui_favicon(self) -> str:  # type: ignore[override]
        return self._swagger_ui_resource("favicon-32x32.png")


def docs_asset(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """A static file of the docs page."""
    return serve(request, path, document_root=str(ASSETS))
