"""The engine's knobs, read from `settings.CQRS` at call time.

Their defaults and environment variables live in one place,
`config/settings/base.py`; projections/README.md says what each one does.
"""

from typing import Any

from django.conf import settings


def get(name: str) -> Any:
    """The value of tunable `name` from settings.CQRS."""
    return settings.CQRS[name]


def segments_for(projection: str) -> int:
    """Segment count a new generation of `projection` is created with."""
    overrides = get("SEGMENTS_BY_PROJECTION") or {}
    return int(overrides.get(projection, get("SEGMENTS")))
