"""The `products` search document: field names and the index mapping.

Money fields are `double` (the source keeps the exact decimal string): the
OpenSearch `integ-test-zip` distribution has no mapper-extras module, hence no
`scaled_float`. Text goes through the analyzers of `analysis.py` (the
analysis-common module, which scripts/services.sh installs into the node).
"""

from collections.abc import Mapping
from typing import Any

from projections import tunables
from projections.index_settings import IndexSettings
from projections.products import analysis

PROJECTION = "products"

# The read API's `ordering` values (each also descending, with a leading `-`):
# public name -> the field it sorts on. The one definition; readapi reads it.
ORDERINGS = {
    "price": "price",
    "name": "name.sort",
    "created_at": "created_at",
}


def _settings() -> dict[str, Any]:
    """Shards and replicas from the settings, analysis from the current language
    and synonyms file: a new generation picks up an edit."""
    return {**tunables.index_shape(PROJECTION), "analysis": analysis.analysis()}


SETTINGS: Mapping[str, Any] = IndexSettings(_settings)

# Words as written (folded, not stemmed): typos are measured against these, since
# a misspelt word and its correct spelling may stem apart ("choclate", "chocol").
PLAIN = {"type": "text", "analyzer": analysis.FOLDED}

TEXT = {
    "type": "text",
    "analyzer": analysis.TEXT,
    "search_analyzer": analysis.TEXT_SEARCH,
    "fields": {"plain": PLAIN},
}

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "sku": {
            "type": "keyword",
            "fields": {"folded": {"type": "keyword", "normalizer": "folded"}},
        },
        "name": {
            **TEXT,
            "fields": {
                "plain": PLAIN,
                "sort": {"type": "keyword", "normalizer": "lowercase"},
                # Every word's leading letters, for autocomplete and prefixes;
                # the query itself is not cut into prefixes.
                "prefix": {
                    "type": "text",
                    "analyzer": analysis.PREFIX,
                    "search_analyzer": analysis.PREFIX_SEARCH,
                },
            },
        },
        "description": TEXT,
        "category_id": {"type": "long"},
        "category_slug": {"type": "keyword"},
        "category_path": {"type": "keyword"},
        "category_names": TEXT,
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
