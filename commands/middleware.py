"""Request middleware of the write role."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from commands.correlation import correlation_scope

REQUEST_ID_HEADER = "X-Request-ID"


class CorrelationIdMiddleware:
    """Tags the outbox events of a request with its `X-Request-ID` (or a new id)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with correlation_scope(request.headers.get(REQUEST_ID_HEADER)) as value:
            request.correlation_id = value
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = value
        return response
