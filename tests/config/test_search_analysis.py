"""The OpenSearch node scripts/services.sh starts serves the analysis-common module,
and the products analysis reads its language and synonyms when an index is made."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from projections.products import analysis


def tokens(opensearch, *, filters: list, text: str) -> list[str]:
    body = {"tokenizer": "standard", "filter": filters, "text": text}
    return [t["token"] for t in opensearch.indices.analyze(body=body)["tokens"]]


def test_opensearch_node_loads_the_analysis_common_module(opensearch):
    info = opensearch.nodes.info(node_id="_local", metric="plugins")

    (node,) = info["nodes"].values()
    assert "analysis-common" in {module["name"] for module in node["modules"]}


@pytest.mark.parametrize(
    ("filters", "text", "expected"),
    [
        (["asciifolding"], "Crème brûlée", ["Creme", "brulee"]),
        (["porter_stem"], "running trails", ["run", "trail"]),
        ([{"type": "stemmer", "language": "english"}], "shoes", ["shoe"]),
        (
            [{"type": "edge_ngram", "min_gram": 1, "max_gram": 3}],
            "torch",
            ["t", "to", "tor"],
        ),
        ([{"type": "synonym", "synonyms": ["sofa, couch"]}], "sofa", ["sofa", "couch"]),
    ],
    ids=["asciifolding", "porter_stem", "stemmer", "edge_ngram", "synonym"],
)
def test_opensearch_node_serves_the_analysis_common_filters(
    opensearch, filters, text, expected
):
    assert tokens(opensearch, filters=filters, text=text) == expected


def test_products_analysis_refuses_an_unsupported_language(settings):
    settings.CQRS = {**settings.CQRS, "SEARCH_LANGUAGE": "klingon"}

    with pytest.raises(ImproperlyConfigured, match="CQRS_SEARCH_LANGUAGE='klingon'"):
        analysis.analysis()


def test_products_analysis_names_a_missing_synonyms_file(settings, tmp_path):
    missing = tmp_path / "nowhere.txt"
    settings.CQRS = {**settings.CQRS, "SEARCH_SYNONYMS_FILE": str(missing)}

    with pytest.raises(ImproperlyConfigured, match=str(missing)):
        analysis.analysis()


def test_products_analysis_inlines_the_synonym_rules_without_comments(
    settings, tmp_path
):
    path = tmp_path / "synonyms.txt"
    path.write_text("# staff notes\n\nsofa, couch  # living room\nbike => bicycle\n")
    settings.CQRS = {**settings.CQRS, "SEARCH_SYNONYMS_FILE": str(path)}

    rules = analysis.analysis()["filter"]["catalog_synonyms"]["synonyms"]

    assert rules == ["sofa, couch", "bike => bicycle"]


def test_products_analysis_without_rules_has_no_synonym_filter(settings, tmp_path):
    path = tmp_path / "synonyms.txt"
    path.write_text("# nothing yet\n")
    settings.CQRS = {**settings.CQRS, "SEARCH_SYNONYMS_FILE": str(path)}

    built = analysis.analysis()

    assert "catalog_synonyms" not in built["filter"]
    assert "catalog_synonyms" not in built["analyzer"][analysis.TEXT_SEARCH]["filter"]
