"""Where each projection's documents come from in the write model, row by row.

A rebuild streams the primary keys of one driving table in order and hands
them, chunk by chunk, to the projection's own `load` and `build` (the very
functions the live projector uses), so a rebuilt document is byte for byte
what the projector would write. Verification streams the same keys, and
maps a store key back to a row to find documents that have none.

Each projection declares its source in its registration (`ProjectionSpec.source`,
see `projections.registry`).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Literal

from django.db.models import Model, QuerySet

Layout = Literal["document", "hash", "rank"]


@dataclass(frozen=True, kw_only=True)
class Source:
    """The driving table of a projection (one row per entry), its aggregate
    type, and the column its store keys come from."""

    aggregate_type: str
    model: type[Model]
    store_key_field: str = "pk"
    store_key_is_int: bool = True

    def rows(self) -> QuerySet[Any]:
        return self.model._default_manager.order_by("pk")

    def count(self, *, after: int | None = None) -> int:
        return _after(self.rows(), after).count()

    def key_chunks(self, *, after: int | None, chunk: int) -> Iterator[list[int]]:
        """Primary keys greater than `after`, in order, through a server-side cursor."""
        keys = (
            _after(self.rows(), after)
            .values_list("pk", flat=True)
            .iterator(chunk_size=chunk)
        )
        return chunked(keys, size=chunk)

    def sample(self, size: int) -> list[int]:
        """`size` random primary keys, in order."""
        keys = self.model._default_manager.order_by("?").values_list("pk", flat=True)
        return sorted(keys[:size])

    def existing(self, store_keys: Iterable[str]) -> set[str]:
        """Those of `store_keys` that belong to a row of the write model."""
        wanted = [k for k in store_keys if not self.store_key_is_int or k.isdigit()]
        if not wanted:
            return set()
        found = self.model._default_manager.filter(
            **{f"{self.store_key_field}__in": wanted}
        ).values_list(self.store_key_field, flat=True)
        return {str(key) for key in found}


def chunked(items: Iterable[Any], *, size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _after(rows: QuerySet[Any], after: int | None) -> QuerySet[Any]:
    return rows if after is None else rows.filter(pk__gt=after)
