"""The `orders` search document: field names and the index mapping.

Money fields are `double` (the source keeps the exact decimal string): the
OpenSearch `integ-test-zip` distribution has no `scaled_float`.
"""

from collections.abc import Mapping
from typing import Any

from projections import tunables
from projections.index_settings import IndexSettings

PROJECTION = "orders"

# The read API's `ordering` values (each also descending, with a leading `-`):
# public name -> the field it sorts on. The one definition; readapi reads it.
ORDERINGS = {
    "placed_at": "placed_at",
    "total": "total",
}

SETTINGS: Mapping[str, Any] = IndexSettings(lambda: tunables.index_shape(PROJECTION))

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "customer_id": {"type": "long"},
        "customer_name": {"type": "text", "fields": {"raw": {"type": "keyword"}}},
        "customer_email": {"type": "keyword"},
        "status": {"type": "keyword"},
        "currency": {"type": "keyword"},
        "total": {"type": "double"},
        "lines": {
            "type": "object",
            "properties": {
                "product_id": {"type": "long"},
                "sku": {"type": "keyword"},
                "name": {"type": "text"},
                "quantity": {"type": "integer"},
                "unit_price": {"type": "double"},
                "line_total": {"type": "double"},
            },
        },
        "line_count": {"type": "integer"},
        "placed_at": {"type": "date"},
        "paid_at": {"type": "date"},
        "shipped_at": {"type": "date"},
        "cancelled_at": {"type": "date"},
        "versions": {
            "properties": {"order": {"type": "long"}, "customer": {"type": "long"}}
        },
    },
}
