"""OpenSearch queries of the `orders` read model."""

from collections.abc import Sequence
from typing import Any

from projections import naming
from projections.orders import schema
from readapi.queries import clauses, search
from readapi.queries.clauses import Clause
from readapi.queries.search import KeysetPage, PageRequest, get_document, keyset_search

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

# The read model's sortable fields (its contract), newest and largest first.
ORDERINGS = search.orderings(schema.ORDERINGS, descending_first=True)
DEFAULT_ORDERING = "-placed_at"


def search_orders(
    *, filters: Sequence[Clause], ordering: str, page: PageRequest
) -> KeysetPage:
    """One keyset page of orders matching `filters`."""
    return keyset_search(
        alias=naming.alias(schema.PROJECTION),
        query=clauses.bool_query(clauses=filters),
        sort=search.field_sort(ordering, fields=schema.ORDERINGS),
        page=page,
        source=SOURCE,
    )


def get_order(order_id: int) -> dict[str, Any] | None:
    """The order document, or None when absent."""
    return get_document(
        alias=naming.alias(schema.PROJECTION), doc_id=order_id, source=SOURCE
    )
