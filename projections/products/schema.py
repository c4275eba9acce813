"""The `products` search document: field names and the index mapping.

Money fields are `double` (the source keeps the exact decimal string): the
OpenSearch `integ-test-zip` distribution has no mapper-extras module, hence no
`scaled_float`, and no analysis-common module, hence no `asciifolding`.
"""

from typing import Any

PROJECTION = "products"

ORDERINGS = {
    "price": "price",
    "name": "name.sort",
    "created_at": "created_at",
}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "normalizer": {
            "lowercase": {"type": "custom", "filter": ["lowercase"]},
        },
    },
}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "sku": {"type": "keyword"},
        "name": {
            "type": "text",
            "fields": {"sort": {"type": "keyword", "normalizer": "lowercase"}},
        },
        "description": {"type": "text"},
        "category_id": {"type": "long"},
        "category_slug": {"type": "keyword"},
        "category_path": {"type": "keyword"},
        "category_names": {"type": "text"},
        "price": {"type": "double"},
        "currency": {"type": "keyword"},
        "status": {"type": "keyword"},
        "available": {"type": "integer"},
        "in_stock": {"type": "boolean"},
        "units_sold": {"type": "integer"},
        "attributes": {"type": "object", "enabled": False},
        "created_at": {"type": "date"},
        "updated_at": {"type": "date"},
        "deleted": {"type": "boolean"},
        "versions": {
            "properties": {
                "product": {"type": "long"},
                "stock": {"type": "long"},
                "tree": {"type": "long"},
            }
        },
    },
}
