"""OpenAPI documentation derived from the views' declarations and filter sets, plus
the shared error shape."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.core.validators import validate_slug
from django_filters import FilterSet
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import get_doc
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from readapi.consistency import HEADER
from readapi.filtering import StrictBooleanField

DECIMAL_PATTERN = r"^[0-9]{1,10}(\.[0-9]{1,2})?$"
SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable reason.")
    message = serializers.CharField(help_text="What went wrong, for a person.")
    # The serializer metaclass pops declared fields off the class, so this does
    # not shadow Serializer.fields at runtime; the stubs cannot express that.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Problems by parameter (or header) name.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "Unknown or malformed parameter, or a cursor that is not valid here.",
    401: "No valid API key (send `Authorization: Api-Key <key>`).",
    403: "The API key lacks the scope this endpoint needs.",
    404: "No such resource.",
    429: "Too many requests for this API key; see Retry-After.",
    503: "A read model or its store is unavailable; see Retry-After.",
}

CONSISTENCY_TOKEN = OpenApiParameter(
    name=HEADER,
    type={"type": "string", "pattern": r"^[0-9]{1,20}$"},
    location=OpenApiParameter.HEADER,
    description=(
        "The X-Consistency-Token of an earlier write. The read waits (bounded) "
        "until the read models have applied it, and answers with X-Consistency: "
        "fresh, or stale plus X-Consistency-Lag."
    ),
)


# Answered by the HTTP server before the application sees the request.
URI_TOO_LONG = OpenApiResponse(
    description="The request line is too long for the HTTP server."
)


def error_responses(*statuses: int) -> dict[int, OpenApiResponse]:
    """Documented error responses: the API's own in the one error shape."""
    responses = {
        code: OpenApiResponse(
            response=ErrorSerializer, description=ERROR_DESCRIPTIONS[code]
        )
        for code in statuses
    }
    return {**responses, 414: URI_TOO_LONG}


def filter_parameters(filterset_class: type[FilterSet]) -> list[OpenApiParameter]:
    """Query parameters as the filter set declares, labels and validates them."""
    parameters = []
    for name, filter_ in filterset_class.base_filters.items():
        field = filter_.field
        description = str(field.label or name)
        if field.help_text:
            description = f"{description}. {field.help_text}"
        parameters.append(
            OpenApiParameter(
                name=name,
                type=_schema(field),
                location=OpenApiParameter.QUERY,
                description=description,
            )
        )
    return parameters


class ReadSchema(AutoSchema):
    """Documents a read view from its declaration: `operation_id`, `summary`, the
    class docstring, its filter set's parameters plus the consistency header, its
    200 response and its `error_statuses`."""

    @property
    def declaration(self) -> Any:
        """The view (a `readapi.read_view.ReadView`, which imports this module)."""
        return self.view

    def get_operation_id(self) -> str:
        return str(self.declaration.operation_id)

    def get_summary(self) -> str | None:
        return str(self.declaration.summary)

    # drf-spectacular's hooks take no path and method (its own ignore, too).
    def get_description(self) -> str:  # type: ignore[override]
        # The view's docstring, never a docstring of a base class's `get`.
        return get_doc(self.view.__class__)

    def get_override_parameters(self) -> list[Any]:
        return [*filter_parameters(self.declaration.filterset_class), CONSISTENCY_TOKEN]

    # A mapping of status to response is what @extend_schema(responses=) passes too.
    def get_response_serializers(self) -> Any:
        return {
            200: self.declaration.get_response_serializer(),
            **error_responses(*self.declaration.error_statuses),
        }


def _schema(field: forms.Field) -> dict[str, Any]:
    if isinstance(field, forms.ChoiceField):
        # Django normalises choices on assignment (a callable becomes a
        # CallableChoiceIterator); the stubs type the getter like the setter.
        choices = cast(Iterable[tuple[Any, Any]], field.choices)
        return {
            "type": "string",
            "enum": [value for value, _ in choices if value],
        }
    if isinstance(field, forms.IntegerField):
        return _without_none(
            {"type": "integer", "minimum": field.min_value, "maximum": field.max_value}
        )
    if isinstance(field, forms.DecimalField):
        return {"type": "string", "pattern": DECIMAL_PATTERN}
    if isinstance(field, StrictBooleanField):
        return {"type": "boolean"}
    if isinstance(field, forms.DateTimeField):
        return {"type": "string", "format": "date-time"}
    schema: dict[str, Any] = {"type": "string"}
    max_length = getattr(field, "max_length", None)
    if max_length:
        schema["maxLength"] = max_length
    if validate_slug in field.validators:
        schema["pattern"] = SLUG_PATTERN
    return schema


def _without_none(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if value is not None}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Documents `Authorization: Api-Key <key>` as an apiKey security scheme."""

    target_class = "readapi.auth.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; keys are issued in the admin.",
        }
