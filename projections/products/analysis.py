"""Text analysis of the `products` index: folding, stemming, prefixes, synonyms.

Built when an index is created (never at import time): the language comes from
`CQRS["SEARCH_LANGUAGE"]` and the synonyms from the file at
`CQRS["SEARCH_SYNONYMS_FILE"]`, inlined into the index settings because the
OpenSearch node's config folder is not the project's. Editing the file and
running `rebuild_projection products` therefore applies it.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Language -> (stemmer, stop words) of OpenSearch's analysis-common module.
LANGUAGES: dict[str, tuple[str, str]] = {
    "english": ("english", "_english_"),
    "french": ("light_french", "_french_"),
    "german": ("light_german", "_german_"),
    "spanish": ("light_spanish", "_spanish_"),
    "italian": ("light_italian", "_italian_"),
    "portuguese": ("light_portuguese", "_portuguese_"),
    "dutch": ("dutch", "_dutch_"),
}

# Analyzer names the mapping refers to.
TEXT = "catalog_text"
TEXT_SEARCH = "catalog_text_search"
FOLDED = "catalog_folded"
PREFIX = "catalog_prefix"
PREFIX_SEARCH = "catalog_prefix_search"

# Longest prefix indexed for autocomplete; longer typed words match no prefix.
MAX_PREFIX = 20


def language() -> str:
    """The configured search language, checked against the supported ones."""
    name = str(settings.CQRS.get("SEARCH_LANGUAGE", "english")).strip().lower()
    if name not in LANGUAGES:
        raise ImproperlyConfigured(
            f"CQRS_SEARCH_LANGUAGE={name!r} is not supported; "
            f"use one of {', '.join(sorted(LANGUAGES))}"
        )
    return name


def synonyms_path() -> Path:
    return Path(str(settings.CQRS["SEARCH_SYNONYMS_FILE"]))


def read_synonyms(path: Path) -> list[str]:
    """The rules of a Solr-format synonyms file, without comments and blanks."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ImproperlyConfigured(
            f"cannot read the search synonyms file {path} "
            f"(CQRS_SEARCH_SYNONYMS_FILE): {exc.strerror}"
        ) from None
    rules = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [rule for rule in rules if rule]


def analysis() -> dict[str, Any]:
    """The `analysis` index settings for the current language and synonyms."""
    stemmer, stopwords = LANGUAGES[language()]
    rules = read_synonyms(synonyms_path())
    filters: dict[str, Any] = {
        "catalog_stop": {"type": "stop", "stopwords": stopwords},
        "catalog_stemmer": {"type": "stemmer", "language": stemmer},
        "catalog_prefixes": {
            "type": "edge_ngram",
            "min_gram": 1,
            "max_gram": MAX_PREFIX,
        },
    }
    normal = ["lowercase", "asciifolding"]
    text = [*normal, "catalog_stop", "catalog_stemmer"]
    search = [*text]
    if rules:
        # At search time only, after stemming (the rules are stemmed alike): a
        # query word finds every word of its rule; multi-word rules keep their
        # positions (graph).
        filters["catalog_synonyms"] = {
            "type": "synonym_graph",
            "synonyms": rules,
            "lenient": True,
        }
        search.append("catalog_synonyms")
    return {
        "normalizer": {
            "lowercase": {"type": "custom", "filter": ["lowercase"]},
            "folded": {"type": "custom", "filter": normal},
        },
        "filter": filters,
        "analyzer": {
            TEXT: _custom(text),
            TEXT_SEARCH: _custom(search),
            FOLDED: _custom(normal),
            PREFIX: _custom([*normal, "catalog_prefixes"]),
            PREFIX_SEARCH: _custom(normal),
        },
    }


def _custom(filters: list[str]) -> dict[str, Any]:
    return {"type": "custom", "tokenizer": "standard", "filter": filters}
