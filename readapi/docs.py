"""The OpenAPI schema and an interactive docs page that works offline."""

from pathlib import Path

import drf_spectacular_sidecar
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

# Swagger UI's scripts and styles ship inside drf-spectacular-sidecar; serving
# them from here keeps the page working without any CDN.
ASSETS = (
    Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
)


class SchemaView(SpectacularAPIView):
    """OpenAPI 3 document of the read API; open to everyone."""

    authentication_classes = []
    permission_classes = []


class DocsView(SpectacularSwaggerView):
    """Swagger UI over the schema, with every asset served by this process."""

    authentication_classes = []
    permission_classes = []
    url_name = "readapi:schema"

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return reverse(
            "readapi:docs-asset", kwargs={"path": f"swagger-ui-dist/{filename}"}
        )

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return DocsView._swagger_ui_resource("favicon-32x32.png")


def docs_asset(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """A static file of the docs page."""
    return serve(request, path, document_root=str(ASSETS))
