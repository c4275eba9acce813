"""Writers of the read-model stores: OpenSearch indices and Redis keys."""

from collections.abc import Callable, Sequence
from typing import Protocol

from projections.writes import Write


class Store(Protocol):
    """Where one generation of a projection lives."""

    def ensure(self, *, live: bool) -> None:
        """Create the index / namespace if missing (idempotent)."""

    def missing(self) -> str | None:
        """Why this generation's data is gone (None: it is there).

        Raises `StoreUnavailable` when the store cannot be asked: an outage
        is not a loss."""

    def write(
        self, writes: Sequence[Write], *, keepalive: Callable[[], None] | None = None
    ) -> dict[int, str]:
        """Apply writes whose version is newer; return `{index: error}` of the
        writes rejected for good (e.g. a mapping error). Transient failures are
        retried and, if they persist, raise `StoreUnavailable`."""
        ...
