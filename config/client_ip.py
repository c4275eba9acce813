"""The client address of a request, as seen past our own reverse proxies."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the X-Forwarded-For entry our trusted proxies appended.

    Each of TRUSTED_PROXY_COUNT proxies appends the address it saw; entries
    left of those are whatever the client sent, so they are never trusted.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if count <= 0 or len(hops) < count:
        return request.META.get("REMOTE_ADDR")
    return hops[-count]
