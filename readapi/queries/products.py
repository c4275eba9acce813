"""OpenSearch queries of the `products` read model."""

from collections.abc import Sequence
from typing import Any

from projections import naming
from projections.products import schema
from readapi.queries import catalog_text, clauses, search
from readapi.queries.clauses import Clause
from readapi.queries.search import (
    KeysetPage,
    PageRequest,
    SortKey,
    aggregate,
    get_document,
    keyset_search,
    top_hits,
)

SOURCE = [
    "id",
    "sku",
    "name",
    "description",
    "category_id",
    "category_slug",
    "category_path",
    "price",
    "currency",
    "status",
    "available",
    "in_stock",
    "units_sold",
    "attributes",
    "created_at",
    "updated_at",
]

# How each validated filter value narrows the search.
CLAUSES: dict[str, clauses.ClauseBuilder] = {
    "search": catalog_text.product_text,
    "category": clauses.term("category_path"),
    "min_price": clauses.range_bound(field="price", bound="gte"),
    "max_price": clauses.range_bound(field="price", bound="lte"),
    "status": clauses.term("status"),
    "in_stock": clauses.term("in_stock"),
}

# The read model's sortable fields (its contract), both ways, and relevance.
ORDERINGS = [*search.orderings(schema.ORDERINGS), "relevance"]

PRICE_BUCKETS = [(None, 10), (10, 25), (25, 50), (50, 100), (100, 250), (250, None)]

# Tombstones stay in the index so stale writes cannot resurrect them; never show them.
LIVE = Clause(occur="must_not", body={"term": {"deleted": True}})


def default_ordering(*, searching: bool) -> str:
    """Best match first when searching, newest first otherwise."""
    return "relevance" if searching else "-created_at"


def sort_keys(ordering: str) -> list[SortKey]:
    """The sort of an ordering, ending with the unique `id` tiebreaker."""
    if ordering == "relevance":
        return [("_score", "desc"), ("id", "asc")]
    return search.field_sort(ordering, fields=schema.ORDERINGS)


SUGGESTIONS = 10
SUGGEST_SOURCE = ["id", "sku", "name"]

# Matched words marked with <em>, the rest HTML-escaped: safe to insert as markup.
HIGHLIGHT: dict[str, Any] = {
    "pre_tags": ["<em>"],
    "post_tags": ["</em>"],
    "encoder": "html",
    "fields": {
        "name": {"number_of_fragments": 0},
        "name.plain": {"number_of_fragments": 0},
        catalog_text.PREFIX_FIELD: {"number_of_fragments": 0},
        "description": {"fragment_size": 150, "number_of_fragments": 3},
        "description.plain": {"fragment_size": 150, "number_of_fragments": 3},
    },
}
# A word matches through one of a field's analyses; the first that marked any wins.
HIGHLIGHT_SOURCES = {
    "name": ["name", "name.plain", catalog_text.PREFIX_FIELD],
    "description": ["description", "description.plain"],
}


def search_products(
    *,
    filters: Sequence[Clause],
    ordering: str,
    page: PageRequest,
    highlight: bool = False,
) -> KeysetPage:
    """One keyset page of live products matching `filters`."""
    return keyset_search(
        alias=naming.alias(schema.PROJECTION),
        query=clauses.bool_query(clauses=filters, base=[LIVE]),
        sort=sort_keys(ordering),
        page=page,
        source=SOURCE,
        snapshot=ordering == "relevance" and clauses.has_text(filters),
        highlight=HIGHLIGHT if highlight else None,
    )


def highlighted(fragments: dict[str, list[str]]) -> dict[str, Any]:
    """One row's highlight: the whole name marked up (or None), description fragments."""
    names = _first_marked(fragments, HIGHLIGHT_SOURCES["name"])
    return {
        "name": names[0] if names else None,
        "description": _first_marked(fragments, HIGHLIGHT_SOURCES["description"]),
    }


def _first_marked(fragments: dict[str, list[str]], fields: list[str]) -> list[str]:
    return next((fragments[f] for f in fields if fragments.get(f)), [])


def suggest_products(prefix: str) -> list[dict[str, Any]]:
    """Up to ten distinct product names whose words start with the words of `prefix`."""
    body = {
        "size": SUGGESTIONS,
        "query": clauses.bool_query(
            clauses=[
                Clause(
                    occur="must",
                    body={
                        "match": {
                            catalog_text.PREFIX_FIELD: {
                                "query": prefix,
                                "operator": "and",
                            }
                        }
                    },
                )
            ],
            base=[LIVE],
        ),
        # One suggestion per name, however many products share it.
        "collapse": {"field": schema.ORDERINGS["name"]},
        "sort": [
            {"_score": {"order": "desc"}},
            {"units_sold": {"order": "desc"}},
            {"id": {"order": "asc"}},
        ],
        "_source": SUGGEST_SOURCE,
        "track_total_hits": False,
    }
    hits = top_hits(alias=naming.alias(schema.PROJECTION), body=body)
    return [hit["_source"] for hit in hits]


def get_product(product_id: int) -> dict[str, Any] | None:
    """The live product document, or None when absent or deleted."""
    document = get_document(
        alias=naming.alias(schema.PROJECTION),
        doc_id=product_id,
        source=[*SOURCE, "deleted"],
    )
    if document is None or document.pop("deleted", False):
        return None
    return document


def product_facets(*, filters: Sequence[Clause]) -> dict[str, Any]:
    """Counts of live products matching `filters` by category, status, stock, price."""
    result = aggregate(
        alias=naming.alias(schema.PROJECTION),
        query=clauses.bool_query(clauses=filters, base=[LIVE]),
        aggs=_facet_aggregations(),
    )
    return {
        "total": result["total"],
        "categories": _term_counts(result["categories"]),
        "status": _term_counts(result["status"]),
        "availability": [
            {
                "value": "in_stock" if bucket["key"] else "out_of_stock",
                "count": bucket["doc_count"],
            }
            for bucket in result["availability"]["buckets"]
        ],
        "price": [
            {
                "from": bucket.get("from"),
                "to": bucket.get("to"),
                "count": bucket["doc_count"],
            }
            for bucket in result["price"]["buckets"]
        ],
    }


def _facet_aggregations() -> dict[str, Any]:
    ranges = []
    for low, high in PRICE_BUCKETS:
        bucket = {}
        if low is not None:
            bucket["from"] = low
        if high is not None:
            bucket["to"] = high
        ranges.append(bucket)
    return {
        "categories": {"terms": {"field": "category_path", "size": 100}},
        "status": {"terms": {"field": "status", "size": 10}},
        "availability": {"terms": {"field": "in_stock", "size": 2}},
        "price": {"range": {"field": "price", "ranges": ranges}},
    }


def _term_counts(aggregation: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"value": bucket["key"], "count": bucket["doc_count"]}
        for bucket in aggregation["buckets"]
    ]
