"""The `orders` search document: field names and the index mapping.

Money fields are `double` (the source keeps the exact decimal string): the
OpenSearch `integ-test-zip` distribution has no `scaled_float`.
"""

from typing import Any

PROJECTION = "orders"

ORDERINGS = {
    "placed_at": "placed_at",
    "total": "total",
}

SETTINGS: dict[str, Any] = {"number_of_shards": 1, "number_of_replicas": 0}

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
