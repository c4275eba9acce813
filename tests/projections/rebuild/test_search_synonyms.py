"""Staff edit the synonyms file; `rebuild_projection products` applies it."""

import io

from django.core.management import call_command

from commands.handlers.category import category_create
from commands.handlers.product import product_create
from config import connections
from projections import naming
from readapi.queries import catalog_text, products
from readapi.queries.search import PageRequest
from tests.projections.draining import drain


def found(search: str) -> list[str]:
    connections.opensearch().indices.refresh(index=naming.alias("products"))
    page = products.search_products(
        filters=[catalog_text.product_text(search)],
        ordering="relevance",
        page=PageRequest(size=10),
    )
    return [row["name"] for row in page.rows]


def test_rebuild_applies_an_edited_synonyms_file(engine_db, tune, tmp_path):
    synonyms = tmp_path / "synonyms.txt"
    synonyms.write_text("# none yet\n")
    tune(SEARCH_SYNONYMS_FILE=str(synonyms))
    category = category_create(name="Footwear").pk
    product_create(
        sku="WB-1", name="Wellington boots", category_id=category, price="30.00"
    )
    drain(names=["products"])
    assert found("galoshes") == []

    synonyms.write_text("galoshes, wellington boots\n")
    call_command("rebuild_projection", "products", stdout=io.StringIO())

    assert found("galoshes") == ["Wellington boots"]
