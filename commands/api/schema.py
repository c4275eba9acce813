"""The write API's OpenAPI 3 document: output shapes, the error shape and the
headers of a write (`If-Match`, `Idempotency-Key`, `X-Consistency-Token`).

The write views declare what they run (`input_serializer`, `state`,
`success_status`); `WriteAutoSchema` turns those declarations into operations,
so a new view is documented by declaring it.
"""

from typing import Any

from drf_spectacular.generators import EndpointEnumerator, SchemaGenerator
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status

from commands.api.schema_parts import (
    IDEMPOTENCY_KEY,
    IF_MATCH,
    RETRY_AFTER,
    error_responses,
    success_headers,
)
from commands.api.schema_shapes import STATE_SHAPES
from commands.api.writing import CreateView, WriteView


class WriteAutoSchema(AutoSchema):
    """Documents a view from its declarations; write views get their headers."""

    def _write_view(self) -> WriteView | None:
        return self.view if isinstance(self.view, WriteView) else None

    def _takes_if_match(self) -> bool:
        return self._write_view() is not None and not isinstance(self.view, CreateView)

    def _idempotent(self) -> bool:
        return self._write_view() is not None and self.method == "POST"

    def _has_target(self) -> bool:
        return "{" in self.path

    def get_description(self) -> str:  # type: ignore[override]
        # A view's own docstring only: the base classes' describe the code.
        return type(self.view).__dict__.get("__doc__") or ""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        view = self._write_view()
        if view is None:
            return parameters
        if self._takes_if_match():
            parameters.append(IF_MATCH)
        if self._idempotent():
            parameters.append(IDEMPOTENCY_KEY)
        parameters += success_headers(
            code=view.success_status, idempotent=self._idempotent()
        )
        return [*parameters, RETRY_AFTER]

    def get_request_serializer(self) -> Any:
        view = self._write_view()
        if view is None:
            return super().get_request_serializer()
        return view.input_serializer

    def get_response_serializers(self) -> Any:
        view = self._write_view()
        if view is None:
            return self._listing_responses()
        shape = STATE_SHAPES[type(view).state]
        return {
            view.success_status: OpenApiResponse(
                response=shape,
                description="The aggregate's full state after the change.",
            ),
            **error_responses(*self._error_codes()),
        }

    def _listing_responses(self) -> Any:
        serializer_class = getattr(self.view, "serializer_class", None)
        state = getattr(serializer_class, "state", None)
        if state not in STATE_SHAPES:
            return super().get_response_serializers()
        return {
            status.HTTP_200_OK: STATE_SHAPES[state](many=True),
            **error_responses(400, 401, 403, 503),
        }

    def _error_codes(self) -> list[int]:
        codes = [400, 401, 403]
        if self._has_target():
            codes.append(404)
        codes.append(409)
        if self._takes_if_match():
            codes.append(412)
        if self._idempotent():
            codes.append(422)
        return [*codes, 503]

    def _is_list_view(self, serializer: Any = None) -> bool:
        return self._write_view() is None and super()._is_list_view(serializer)


class ByMethodEnumerator(EndpointEnumerator):
    """Sees through `by_method` routes: one endpoint per method and its own view."""

    def should_include_endpoint(self, path: str, callback: Any) -> bool:
        views = getattr(callback, "views_by_method", None)
        if views is None:
            return super().should_include_endpoint(path, callback)
        return all(
            super(ByMethodEnumerator, self).should_include_endpoint(path, view)
            for view in views.values()
        )

    def get_allowed_methods(self, callback: Any) -> list[str]:
        views = getattr(callback, "views_by_method", None)
        if views is None:
            return super().get_allowed_methods(callback)
        return list(views)


class WriteSchemaGenerator(SchemaGenerator):
    endpoint_inspector_cls = ByMethodEnumerator

    def create_view(self, callback: Any, method: str, request: Any = None) -> Any:
        views = getattr(callback, "views_by_method", None)
        if views is not None:
            callback = views[method]
        return super().create_view(callback, method, request)
