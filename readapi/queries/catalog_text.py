"""How the search box finds products: words and their stems, accents folded,
synonyms, typos, prefixes, and exact SKUs first.

Free text only ever reaches OpenSearch through `simple_query_string` (plain
operators) and `multi_match` / `match` on fixed fields, never `query_string`.
"""

import re
from typing import Any

from readapi.queries import clauses
from readapi.queries.clauses import Clause

# Name weighs most; category names help "chairs" find every chair.
FIELDS = ["name^3", "description", "category_names"]
# Typos are forgiven against words as written and as stemmed.
TYPO_FIELDS = [*FIELDS, "name.plain^3", "description.plain"]
PREFIX_FIELD = "name.prefix"
SKU_FIELD = "sku.folded"

# A matching SKU outranks any text score.
SKU_BOOST = 1000.0
# Words as typed (stemmed, folded, synonyms) outrank typo and prefix matches.
EXACT_BOOST = 3.0
# Typo and prefix tolerance is per word; longer queries keep the exact match only.
MAX_TOLERANT_WORDS = 8
MIN_PREFIX = 2

# Quotes, a|b, +, grouping or a -word: the user wrote operators, so the query
# means exactly what they wrote (a typo-tolerant reading would ignore -word).
OPERATORS = re.compile(r'["|+()]|(?:^|\s)-')

_exact = clauses.text(FIELDS)


def product_text(value: str) -> Clause:
    """The scored clause of a product search for `value`."""
    words = value.replace("*", " ").strip()
    if not words:
        return Clause(occur="must", body={"match_none": {}})
    should = [_sku(words), _boosted(_exact(words).body, EXACT_BOOST)]
    tokens = words.split()
    if not OPERATORS.search(words) and len(tokens) <= MAX_TOLERANT_WORDS:
        should.append(_tolerant(tokens))
    return Clause(
        occur="must", body={"bool": {"should": should, "minimum_should_match": 1}}
    )


def _sku(words: str) -> dict[str, Any]:
    return {
        "constant_score": {
            "filter": {"term": {SKU_FIELD: words}},
            "boost": SKU_BOOST,
        }
    }


def _boosted(body: dict[str, Any], boost: float) -> dict[str, Any]:
    (kind, params), *_ = body.items()
    return {kind: {**params, "boost": boost}}


def _tolerant(tokens: list[str]) -> dict[str, Any]:
    """Every word must match somewhere: as typed, within AUTO edits, or as a prefix
    (a stop word matches anything), and at least one word must really match."""
    return {
        "bool": {
            "must": [_tolerant_word(token) for token in tokens],
            "filter": [_any_word(" ".join(tokens))],
        }
    }


def _tolerant_word(token: str) -> dict[str, Any]:
    options: list[dict[str, Any]] = [
        {
            "multi_match": {
                "query": token,
                "fields": TYPO_FIELDS,
                "fuzziness": "AUTO",
                "operator": "and",
                # A stop word ("for") analyses to nothing: it must not veto.
                "zero_terms_query": "all",
            }
        }
    ]
    if len(token) >= MIN_PREFIX:
        options.append({"match": {PREFIX_FIELD: {"query": token, "operator": "and"}}})
    return {"bool": {"should": options, "minimum_should_match": 1}}


def _any_word(words: str) -> dict[str, Any]:
    """Some word matches for real: text of only stop words or punctuation finds nothing."""
    return {
        "bool": {
            "should": [
                {
                    "multi_match": {
                        "query": words,
                        "fields": TYPO_FIELDS,
                        "fuzziness": "AUTO",
                        "operator": "or",
                        "zero_terms_query": "none",
                    }
                },
                {"match": {PREFIX_FIELD: {"query": words, "operator": "or"}}},
            ],
            "minimum_should_match": 1,
        }
    }
