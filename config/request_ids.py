"""`X-Request-ID` of the read role: accepted when sane, else generated; logged."""

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from config.logs import log_context

REQUEST_ID_HEADER = "X-Request-ID"
MAX_LENGTH = 64


def clean_request_id(raw: str | None) -> str | None:
    """A caller-supplied id if it is usable (short, printable), else None."""
    if not raw:
        return None
    raw = raw.strip()
    if not raw or len(raw) > MAX_LENGTH or not raw.isprintable():
        return None
    return raw


class RequestIdMiddleware:
    """Every response carries `X-Request-ID`; every log line of the request too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = (
            clean_request_id(request.headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        )
        with log_context(value):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = value
        return response
