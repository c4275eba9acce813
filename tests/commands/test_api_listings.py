"""Staff listings: django-filter FilterSets over the ORM; unknown parameters are 400s."""

import pytest

from commands.handlers.order import order_pay, order_place
from commands.handlers.product import product_archive

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_product_listing_filters_by_status(api, make_product):
    kept, archived = make_product(), make_product()
    product_archive(product_id=archived.pk)

    listed = results(api.get("/api/products", {"status": "active"}))

    assert [p["id"] for p in listed] == [kept.pk]


def test_product_listing_filters_by_price_range_and_orders(api, make_product):
    make_product(price="5.00")
    mid = make_product(price="15.00")
    high = make_product(price="25.00")

    listed = results(
        api.get("/api/products", {"min_price": "10", "ordering": "-price"})
    )

    assert [p["id"] for p in listed] == [high.pk, mid.pk]


def test_product_listing_refuses_an_unknown_filter(api, product):
    response = api.get("/api/products", {"colour": "red"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["colour"]


def test_product_listing_refuses_a_bad_filter_value(api, product):
    response = api.get("/api/products", {"status": "sold-out"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_listing_pages_with_limit_and_offset(api, make_product):
    products = [make_product() for _ in range(3)]

    page = api.get("/api/products", {"limit": 2, "offset": 1, "ordering": "id"}).json()

    assert page["count"] == 3
    assert [p["id"] for p in page["results"]] == [p.pk for p in products[1:]]


def test_order_listing_filters_by_customer_and_status(api, customer, product):
    placed = order_place(
        customer_id=customer.pk, lines=[{"product_id": product.pk, "quantity": 1}]
    )
    paid = order_place(
        customer_id=customer.pk, lines=[{"product_id": product.pk, "quantity": 1}]
    )
    order_pay(order_id=paid.pk)

    listed = results(
        api.get("/api/orders", {"customer": customer.pk, "status": "placed"})
    )

    assert [o["id"] for o in listed] == [placed.pk]
    assert listed[0]["lines"][0]["product_id"] == product.pk


def test_stock_listing_filters_by_max_available(api, make_product):
    low = make_product(initial_stock=2)
    make_product(initial_stock=50)

    listed = results(api.get("/api/stock", {"max_available": 5}))

    assert [s["product_id"] for s in listed] == [low.pk]


def test_customer_listing_filters_by_email(api, customer):
    listed = results(api.get("/api/customers", {"email": "ADA@example.com"}))

    assert [c["id"] for c in listed] == [customer.pk]


def test_category_listing_filters_roots(api, category):
    api.post("/api/categories", {"name": "Tents", "parent": category.pk}, format="json")

    listed = results(api.get("/api/categories", {"root": "true"}))

    assert [c["id"] for c in listed] == [category.pk]
