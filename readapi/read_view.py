"""The base of every read endpoint: key, scope, quota, parameters, read-your-writes."""

from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.utils.cache import patch_vary_headers
from drf_orjson_renderer.renderers import ORJSONRenderer
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from readapi import consistency
from readapi.auth import ApiKeyAuthentication, HasScope
from readapi.filtering import ReadFilterSet
from readapi.openapi import ReadSchema
from readapi.throttling import ApiKeyRateThrottle


class JsonOnly(BaseContentNegotiation):
    """Always JSON, whatever the Accept header says."""

    def select_parser(
        self, request: Request, parsers: Iterable[BaseParser]
    ) -> BaseParser | None:
        candidates = list(parsers)
        return candidates[0] if candidates else None

    def select_renderer(
        self,
        request: Request,
        renderers: Iterable[BaseRenderer],
        format_suffix: str | None = None,
    ) -> tuple[BaseRenderer, str]:
        candidates = list(renderers)
        return candidates[0], candidates[0].media_type


class NoParameters(ReadFilterSet):
    """Endpoints that take no query parameters: any parameter is a 400."""


# Every read can fail with these; detail views add 404.
ERROR_STATUSES = (400, 401, 403, 429, 503)


class ReadView(APIView):
    """Authenticates the key, checks `required_scope`, counts the quota, validates
    `filterset_class`, then honours X-Consistency-Token for `projections`.

    A subclass declares what it serves; `ReadSchema` documents it from the same
    declaration (`operation_id`, `summary`, `response_serializer_class`,
    `error_statuses`, and the class docstring as its description)."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ApiKeyRateThrottle]
    renderer_classes = [ORJSONRenderer]
    content_negotiation_class = JsonOnly
    metadata_class = None
    schema = ReadSchema()

    required_scope: ClassVar[str]
    projections: ClassVar[tuple[str, ...]]
    filterset_class: ClassVar[type[ReadFilterSet]] = NoParameters
    operation_id: ClassVar[str]
    summary: ClassVar[str]
    response_serializer_class: ClassVar[type[Serializer]]
    error_statuses: ClassVar[tuple[int, ...]] = ERROR_STATUSES

    def get_response_serializer(self) -> type[Serializer]:
        """What a 200 answers, for the schema."""
        return self.response_serializer_class

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.params = self.filterset_class.validate(request.query_params)
        self.freshness = self._await_consistency(request)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300:
            max_age = int(settings.CQRS.get("READ_MAX_AGE", 2))
            response["Cache-Control"] = f"private, max-age={max_age}"
        else:
            response["Cache-Control"] = "no-store"
        patch_vary_headers(response, ["Authorization", consistency.HEADER])
        freshness = getattr(self, "freshness", None)
        if freshness is not None:
            response["X-Consistency"] = "fresh" if freshness.fresh else "stale"
            if not freshness.fresh:
                response["X-Consistency-Lag"] = str(freshness.lag)
        return response

    def _await_consistency(self, request: Request) -> consistency.Freshness | None:
        raw = request.headers.get(consistency.HEADER)
        if raw is None:
            return None
        token = consistency.parse_token(raw)
        return consistency.await_token(token=token, projections=self.projections)
