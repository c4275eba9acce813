"""OpenSearch queries of the `orders` read model."""

from collections.abc import Sequence
from typing import Any

from projections import naming
from projections.orders import schema
from readapi.queries import clauses
from readapi.queries.clauses import Clause
from readapi.queries.search import (
    Direction,
    KeysetPage,
    PageRequest,
    SortKey,
    get_document,
    keyset_search,
)

SOURCE = [
    "id",
    "customer_id",
    "customer_name",
    "customer_email",
    "status",
    "currency",
    "total",
    "lines",
    "line_count",
    "placed_at",
    "paid_at",
    "shipped_at",
    "cancelled_at",
]

# How each validated filter value narrows the search.
CLAUSES: dict[str, clauses.ClauseBuilder] = {
    "customer": clauses.term("customer_id"),
    "status": clauses.term("status"),
    "placed_after": clauses.range_bound(field="placed_at", bound="gte"),
    "placed_before": clauses.range_bound(field="placed_at", bound="lt"),
}

ORDERINGS = ["-placed_at", "placed_at", "-total", "total"]
DEFAULT_ORDERING = "-placed_at"


def sort_keys(ordering: str) -> list[SortKey]:
    """The sort of an ordering, ending with the unique `id` tiebreaker."""
    direction: Direction = "desc" if ordering.startswith("-") else "asc"
    return [(schema.ORDERINGS[ordering.lstrip("-")], direction), ("id", direction)]


def search_orders(
    *, filters: Sequence[Clause], ordering: str, page: PageRequest
) -> KeysetPage:
    """One keyset page of orders matching `filters`."""
    return keyset_search(
        alias=naming.alias(schema.PROJECTION),
        query=clauses.bool_query(clauses=filters),
        sort=sort_keys(ordering),
        page=page,
        source=SOURCE,
    )


def get_order(order_id: int) -> dict[str, Any] | None:
    """The order document, or None when absent."""
    return get_document(
        alias=naming.alias(schema.PROJECTION), doc_id=order_id, source=SOURCE
    )
