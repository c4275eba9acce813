"""Search as a shop's users type it: accents, plurals, typos, prefixes, synonyms,
SKUs; autocomplete; highlights."""

from collections.abc import Iterator

import pytest

from projections import naming
from tests.readapi import seeding

FIRST_ID = 20_000
# (name, description, sku) of the shop's own products, beside the seeded catalogue.
SHOP = [
    ("Crème brûlée torch", "A kitchen blowtorch for caramelising sugar.", "KIT-0001"),
    ("Running shoes for trails", "Grippy soles for muddy paths.", "SPO-0002"),
    ("Torch 200 cartridge", "Butane refill for the torch.", "KIT-0003"),
    ("Butane refill can", "Gas for lighters.", "TORCH-200"),
    *(
        (f"Lantern model {n}", "A camping lantern.", f"LAN-{n:04d}")
        for n in range(1, 13)
    ),
]


@pytest.fixture(scope="module")
def shop(stores, catalog) -> Iterator[dict[str, int]]:
    """The shop's products, written like the projection writes them; name -> id."""
    opensearch, _ = stores
    documents = [
        seeding.product_document(
            product_id=FIRST_ID + n,
            category="noise",
            name=name,
            description=description,
            sku=sku,
        )
        for n, (name, description, sku) in enumerate(SHOP)
    ]
    seeding.index_documents(opensearch, projection="products", documents=documents)
    yield {document["name"]: document["id"] for document in documents}
    deletes = [
        {"delete": {"_index": naming.alias("products"), "_id": str(d["id"])}}
        for d in documents
    ]
    opensearch.bulk(body=deletes, refresh="true")


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("creme brulee", "Crème brûlée torch"),
        ("CRÈME BRÛLÉE", "Crème brûlée torch"),
        ("shoe", "Running shoes for trails"),
        ("trail", "Running shoes for trails"),
        ("run", "Running shoes for trails"),
        ("torhc", "Crème brûlée torch"),
        ("runing shoes", "Running shoes for trails"),
        ("brul", "Crème brûlée torch"),
        ("sneakers", "Running shoes for trails"),
        ("shoes for trails", "Running shoes for trails"),
    ],
)
def test_product_search_finds_what_users_type(api, shop, search, expected):
    response = api.get("/v1/products", params={"search": search, "page_size": 100})

    assert expected in names(response)


def test_product_search_ranks_an_exact_sku_first(api, shop):
    response = api.get("/v1/products", params={"search": "torch-200"})

    found = names(response)
    assert found[0] == "Butane refill can"
    assert "Torch 200 cartridge" in found


def test_product_search_sku_ignores_case(api, shop):
    response = api.get("/v1/products", params={"search": "kit-0001"})

    assert names(response)[0] == "Crème brûlée torch"


def test_product_search_with_operators_keeps_an_exclusion(api, shop):
    response = api.get(
        "/v1/products", params={"search": "torch -creme", "page_size": 100}
    )

    found = names(response)
    assert "Torch 200 cartridge" in found
    assert "Crème brûlée torch" not in found


def test_product_search_without_highlight_keeps_the_row_shape(api, shop):
    response = api.get("/v1/products", params={"search": "creme brulee"})

    assert "highlight" not in response.json()["results"][0]


def test_product_search_highlight_marks_the_matched_words(api, shop):
    response = api.get(
        "/v1/products", params={"search": "creme brulee", "highlight": "true"}
    )

    row = response.json()["results"][0]
    assert row["name"] == "Crème brûlée torch"
    assert row["highlight"] == {
        "name": "<em>Crème</em> <em>brûlée</em> torch",
        "description": [],
    }


def test_product_search_highlight_marks_description_fragments(api, shop):
    response = api.get(
        "/v1/products", params={"search": "caramelize", "highlight": "true"}
    )

    row = response.json()["results"][0]
    assert row["highlight"]["description"] == [
        "A kitchen blowtorch for <em>caramelising</em> sugar."
    ]


def test_product_search_highlight_marks_a_misspelt_word(api, shop):
    response = api.get("/v1/products", params={"search": "torhc", "highlight": "true"})

    rows = {row["name"]: row for row in response.json()["results"]}
    assert rows["Crème brûlée torch"]["highlight"]["name"] == (
        "Crème brûlée <em>torch</em>"
    )


def test_product_search_highlight_marks_a_prefix(api, shop):
    response = api.get("/v1/products", params={"search": "lant", "highlight": "true"})

    row = response.json()["results"][0]
    assert row["highlight"]["name"].startswith("<em>Lantern</em> model ")


def test_product_search_highlight_rejects_a_non_boolean(api, shop):
    response = api.get("/v1/products", params={"search": "x", "highlight": "maybe"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["highlight"]


def test_product_search_tolerant_walk_is_exhaustive_and_duplicate_free(api, shop):
    everything = api.get(
        "/v1/products", params={"search": "lant", "page_size": 100}
    ).json()["results"]

    pages = api.walk("/v1/products", params={"search": "lant", "page_size": 5})

    walked = [row["id"] for page in pages for row in page["results"]]
    assert len(walked) == len(set(walked)) == 12
    assert set(walked) == {row["id"] for row in everything}


def test_product_suggest_completes_a_prefix(api, shop):
    response = api.get("/v1/products/suggest", params={"q": "crem bru"})

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "name": "Crème brûlée torch",
            "id": shop["Crème brûlée torch"],
            "sku": "KIT-0001",
        }
    ]


def test_product_suggest_answers_at_most_ten_distinct_names(api, shop):
    response = api.get("/v1/products/suggest", params={"q": "lantern"})

    found = names(response)
    assert len(found) == len(set(found)) == 10
    assert all(name.startswith("Lantern model") for name in found)


def test_product_suggest_collapses_products_sharing_a_name(api, catalog):
    response = api.get("/v1/products/suggest", params={"q": "oak"})

    # "Oak chair" and "oak chair" name 80 products: one suggestion, either spelling.
    assert [name.lower() for name in names(response)] == ["oak chair"]


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 101}], ids=str
)
def test_product_suggest_without_a_usable_q_is_400_naming_it(api, catalog, params):
    response = api.get("/v1/products/suggest", params=params)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["q"]


def test_product_suggest_unknown_parameter_is_400(api, catalog):
    response = api.get("/v1/products/suggest", params={"q": "oak", "size": "5"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["size"]


def test_product_suggest_needs_the_catalog_scope(api, catalog, issue):
    response = api.get(
        "/v1/products/suggest", params={"q": "oak"}, key=issue("orders:read")
    )

    assert response.status_code == 403


def test_product_suggest_without_a_key_is_401(api, catalog):
    response = api.get("/v1/products/suggest", params={"q": "oak"}, anonymous=True)

    assert response.status_code == 401
