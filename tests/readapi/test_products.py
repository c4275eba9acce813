"""Product list, detail and facets over the seeded `products` read model."""

from decimal import Decimal

import pytest


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_product_list_first_page_has_default_size_and_links(api, catalog):
    response = api.get("/v1/products")

    body = response.json()
    assert response.status_code == 200
    assert len(body["results"]) == 20
    assert body["previous"] is None
    assert body["next"].startswith(api.base_url + "/v1/products?")


def test_product_list_row_has_the_documented_fields(api, catalog):
    row = api.get("/v1/products", params={"ordering": "price", "page_size": 1}).json()[
        "results"
    ][0]

    seeded = catalog.products[row["id"]]
    assert row["price"] == seeded["price"]
    assert row["category_path"] == seeded["category_path"]
    assert set(row) == {
        "id", "sku", "name", "description", "category_id", "category_slug",
        "category_path", "price", "currency", "status", "available", "in_stock",
        "units_sold", "attributes", "created_at", "updated_at",
    }  # fmt: skip


def test_product_list_category_includes_sub_categories(api, catalog):
    pages = api.walk("/v1/products", params={"category": "furniture", "page_size": 100})

    found = {row["id"] for page in pages for row in page["results"]}
    expected = {
        d["id"] for d in catalog.live(lambda d: "furniture" in d["category_path"])
    }
    assert found == expected
    assert {"chairs", "tables", "furniture"} == {
        catalog.products[i]["category_slug"] for i in found
    }


@pytest.mark.parametrize(
    ("params", "predicate"),
    [
        ({"min_price": "19.99"}, lambda d: Decimal(d["price"]) >= Decimal("19.99")),
        ({"max_price": "9.99"}, lambda d: Decimal(d["price"]) <= Decimal("9.99")),
        ({"status": "draft"}, lambda d: d["status"] == "draft"),
        ({"in_stock": "false"}, lambda d: not d["in_stock"]),
        (
            {
                "in_stock": "true",
                "category": "garden",
                "min_price": "5",
                "max_price": "50",
            },
            lambda d: (
                d["in_stock"]
                and d["category_slug"] == "garden"
                and Decimal(5) <= Decimal(d["price"]) <= Decimal(50)
            ),
        ),
    ],
)
def test_product_list_filters_return_exactly_the_matches(
    api, catalog, params, predicate
):
    pages = api.walk("/v1/products", params={**params, "page_size": 100})

    found = [row["id"] for page in pages for row in page["results"]]
    assert sorted(found) == sorted(d["id"] for d in catalog.live(predicate))


def test_product_list_search_matches_words_in_all_text_fields(api, catalog):
    pages = api.walk("/v1/products", params={"search": "steel", "page_size": 100})

    found = {row["id"] for page in pages for row in page["results"]}
    expected = {
        d["id"]
        for d in catalog.live(
            lambda d: "steel" in (d["name"] + " " + d["description"]).lower()
        )
    }
    assert found == expected


def test_product_list_never_returns_tombstones(api, catalog):
    pages = api.walk("/v1/products", params={"page_size": 100})

    found = {row["id"] for page in pages for row in page["results"]}
    assert found == set(catalog.products)
    assert not found & catalog.tombstones


def test_product_detail_returns_the_document(api, catalog):
    response = api.get("/v1/products/17")

    assert response.status_code == 200
    assert response.json()["name"] == catalog.products[17]["name"]


@pytest.mark.parametrize("product_id", [241, 999999, 99999999999999999999999])
def test_product_detail_of_absent_or_deleted_product_is_404(api, catalog, product_id):
    response = api.get(f"/v1/products/{product_id}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_product_facets_count_matching_live_products(api, catalog):
    response = api.get("/v1/products/facets", params={"category": "furniture"})

    facets = response.json()
    matching = catalog.live(lambda d: "furniture" in d["category_path"])
    assert response.status_code == 200
    assert facets["total"] == len(matching)
    categories = {c["value"]: c["count"] for c in facets["categories"]}
    assert categories["furniture"] == len(matching)
    assert categories["chairs"] == sum(d["category_slug"] == "chairs" for d in matching)
    assert "toys" not in categories
    availability = {a["value"]: a["count"] for a in facets["availability"]}
    assert availability["in_stock"] == sum(d["in_stock"] for d in matching)
    assert sum(bucket["count"] for bucket in facets["price"]) == len(matching)
    statuses = {s["value"]: s["count"] for s in facets["status"]}
    assert statuses == {
        status: sum(d["status"] == status for d in matching)
        for status in {d["status"] for d in matching}
    }


def test_product_facets_reject_list_only_parameters(api, catalog):
    response = api.get("/v1/products/facets", params={"ordering": "price"})

    assert response.status_code == 400
    assert "ordering" in response.json()["error"]["fields"]
