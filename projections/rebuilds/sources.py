"""Where each projection's documents come from in the write model, row by row.

A rebuild streams the primary keys of one driving table in order and hands
them, chunk by chunk, to the projection's own `load` and `build` (the very
functions the live projector uses), so a rebuilt document is byte for byte
what the projector would write. Verification streams the same keys, and
maps a store key back to a row to find documents that have none.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any, Literal

from django.db.models import Model, QuerySet

from commands.models import ApiKey, Customer, Order, Product, StockItem
from projections.rebuilds.errors import RebuildUnsupported

Layout = Literal["document", "hash", "rank"]


@dataclass(frozen=True)
class Source:
    """The driving table of a projection, the column its store keys come from,
    and the shape its entries take in the store."""

    aggregate_type: str
    model: type[Model]
    layout: Layout
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


SOURCES: dict[str, Callable[[], Source]] = {
    "products": lambda: Source("product", Product, "document"),
    "orders": lambda: Source("order", Order, "document"),
    "stock": lambda: Source("stock", StockItem, "hash"),
    "top_products": lambda: Source("stock", StockItem, "rank"),
    "customer_summary": lambda: Source("customer", Customer, "hash"),
    "api_keys": lambda: Source(
        "apikey", ApiKey, "hash", store_key_field="key_hash", store_key_is_int=False
    ),
}


def source_for(projection: str) -> Source:
    try:
        return SOURCES[projection]()
    except KeyError:
        raise RebuildUnsupported(projection) from None


def chunked(items: Iterable[Any], *, size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _after(rows: QuerySet[Any], after: int | None) -> QuerySet[Any]:
    return rows if after is None else rows.filter(pk__gt=after)
