"""An OpenAPI schema view and a Swagger UI page that works offline, for either API.

Swagger UI's scripts and styles ship inside drf-spectacular-sidecar; each API
serves them itself, so its docs page loads nothing from a CDN.
"""

import threading
from pathlib import Path
from typing import Any, ClassVar

import drf_spectacular_sidecar
from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.request import Request
from rest_framework.response import Response

ASSETS = (
    Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar"
)


class OpenSchemaView(SpectacularAPIView):
    """The OpenAPI 3 document; open to everyone (it describes, it holds no data).

    Generating it walks every view and serializer: 35-55 ms of CPU holding
    the GIL, stalling the worker's other threads (bench/RESULTS.md "Mixed
    load"). It changes only with a deploy, so each process builds it once per
    view, API version, language and host, and serves the kept document after.
    """

    authentication_classes = []
    permission_classes = []
    KEPT_MAX: ClassVar[int] = 32  # `?lang=` is free text: keep the cache bounded
    _kept: ClassVar[dict[tuple[Any, ...], Any]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def _get_schema_response(self, request: Request) -> Response:
        version = (
            self.api_version or request.version or self._get_version_parameter(request)
        )
        key = (type(self), version, translation.get_language(), request.get_host())
        schema = self._kept.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            with self._lock:
                if len(self._kept) >= self.KEPT_MAX:
                    self._kept.clear()
                self._kept[key] = schema
        filename = self._get_filename(request, version)
        return Response(
            data=schema,
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )


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
