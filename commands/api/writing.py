"""How every write-API request runs: validate the body, then in ONE transaction
replay-or-run the command handler, capture the consistency token and store the
response for its `Idempotency-Key`."""

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from commands.api import idempotency
from commands.outbox import current_txid

CONSISTENCY_HEADER = "X-Consistency-Token"


class WriteView(APIView):
    """Base of the write views; a subclass names its input and runs one command."""

    parser_classes = [JSONParser]
    input_serializer: type[Serializer] | None = None
    state: Callable[[Any], dict[str, Any]]
    success_status = status.HTTP_200_OK

    def command(
        self, *, data: dict[str, Any], expected_version: int | None, **url_kwargs: Any
    ) -> models.Model:
        raise NotImplementedError

    def write(self, request: Request, **url_kwargs: Any) -> Response:
        data = self._validated(request)
        expected_version = if_match_version(request)
        claim = (
            idempotency.idempotent_request(request)
            if request.method == "POST"
            else None
        )
        with transaction.atomic():
            if claim is not None and (stored := idempotency.replay(claim)):
                return stored
            aggregate = self.command(
                data=data, expected_version=expected_version, **url_kwargs
            )
            response = self._response(aggregate, token=current_txid())
            if claim is not None:
                idempotency.remember(claim, response)
        return response

    def _validated(self, request: Request) -> dict[str, Any]:
        if self.input_serializer is None:
            if request.data:
                raise ValidationError({"non_field_errors": ["expects no body"]})
            return {}
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _response(self, aggregate: models.Model, *, token: int) -> Response:
        response = Response(type(self).state(aggregate), status=self.success_status)
        response[CONSISTENCY_HEADER] = str(token)
        response["ETag"] = f'"{aggregate.version}"'
        return response


class CreateView(WriteView):
    success_status = status.HTTP_201_CREATED

    def post(self, request: Request, **url_kwargs: Any) -> Response:
        return self.write(request, **url_kwargs)


class ActionView(WriteView):
    def post(self, request: Request, **url_kwargs: Any) -> Response:
        return self.write(request, **url_kwargs)


class UpdateView(WriteView):
    def patch(self, request: Request, **url_kwargs: Any) -> Response:
        return self.write(request, **url_kwargs)


def if_match_version(request: Request) -> int | None:
    """The version in `If-Match` (`3`, `"3"` or `W/"3"`); None when absent or `*`."""
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() == "*":
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationError(
            {"If-Match": ['must be the aggregate\'s version, e.g. "3"']}
        )
    return int(value)
