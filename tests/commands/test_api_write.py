"""The write API: status codes, one error shape, versions, consistency tokens,
If-Match and Idempotency-Key."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from commands.models import OutboxEvent, Product
from tests.commands.conftest import Emitted

pytestmark = pytest.mark.django_db


def new_product_body(category, **overrides) -> dict:
    body = {
        "sku": "API-1",
        "name": "Kettle",
        "category": category.pk,
        "price": "24.90",
        "status": "active",
        "initial_stock": 5,
    }
    return {**body, **overrides}


def test_post_products_creates_and_returns_the_new_version_and_token(api, category):
    response = api.post("/api/products", new_product_body(category), format="json")

    assert response.status_code == 201
    assert response.json()["version"] == 1
    assert response.json()["price"] == "24.90"
    assert int(response["X-Consistency-Token"]) == OutboxEvent.objects.first().txid
    assert response["ETag"] == '"1"'


def test_post_products_with_a_bad_price_is_a_400_naming_the_field(api, category):
    response = api.post(
        "/api/products", new_product_body(category, price="0"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert list(response.json()["error"]["fields"]) == ["price"]
    assert not Product.objects.exists()


def test_post_products_with_an_unknown_field_is_a_400_naming_it(api, category):
    response = api.post(
        "/api/products", new_product_body(category, colour="red"), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["colour"]


def test_post_products_with_malformed_json_is_a_400(api):
    response = api.post(
        "/api/products", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_patch_product_with_current_if_match_updates(api, product):
    response = api.patch(
        f"/api/products/{product.pk}",
        {"price": "11.00"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200
    assert (response.json()["price"], response.json()["version"]) == ("11.00", 2)


def test_patch_product_with_stale_if_match_is_a_412(api, product):
    response = api.patch(
        f"/api/products/{product.pk}",
        {"price": "11.00"},
        format="json",
        HTTP_IF_MATCH='"4"',
    )

    assert response.status_code == 412
    assert response.json()["error"]["code"] == "stale_version"
    assert Product.objects.get(pk=product.pk).version == 1


def test_patch_product_with_an_empty_body_is_a_400(api, product):
    response = api.patch(f"/api/products/{product.pk}", {}, format="json")

    assert response.status_code == 400


def test_patch_a_missing_product_is_a_404(api):
    response = api.patch("/api/products/999999", {"name": "X"}, format="json")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_archive_twice_is_a_409(api, product):
    api.post(f"/api/products/{product.pk}/archive")

    response = api.post(f"/api/products/{product.pk}/archive")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"


def test_stock_adjust_below_available_is_a_409(api, product):
    response = api.post(
        f"/api/stock/{product.pk}/adjust",
        {"delta": -11, "reason": "count"},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"


def test_stock_adjust_returns_the_stock_state(api, product):
    response = api.post(
        f"/api/stock/{product.pk}/adjust",
        {"delta": 3, "reason": "delivery"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["available"] == 13


def test_order_lifecycle_over_the_api(api, customer, product):
    placed = api.post(
        "/api/orders",
        {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": 2}]},
        format="json",
    )
    order_id = placed.json()["id"]

    paid = api.post(f"/api/orders/{order_id}/pay")
    shipped = api.post(f"/api/orders/{order_id}/ship")
    cancelled = api.post(f"/api/orders/{order_id}/cancel")

    assert [r.status_code for r in (placed, paid, shipped, cancelled)] == [
        201,
        200,
        200,
        409,
    ]
    assert shipped.json()["status"] == "shipped"


def test_order_short_on_stock_is_a_409(api, customer, product):
    response = api.post(
        "/api/orders",
        {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": 99}]},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "insufficient_stock"


def test_order_with_a_bad_quantity_names_the_nested_field(api, customer, product):
    response = api.post(
        "/api/orders",
        {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": 0}]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["lines[0].quantity"]


def test_order_for_a_missing_customer_is_a_400_naming_customer(api, product):
    response = api.post(
        "/api/orders",
        {"customer": 999_999, "lines": [{"product": product.pk, "quantity": 1}]},
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["customer"]


def test_category_patch_renames_and_moves_in_one_request(api, category):
    parent = api.post("/api/categories", {"name": "Leisure"}, format="json").json()

    response = api.patch(
        f"/api/categories/{category.pk}",
        {"name": "Camping", "parent": parent["id"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Camping"
    assert response.json()["parent_id"] == parent["id"]
    assert response.json()["version"] == 3


def test_customer_register_and_update(api):
    created = api.post(
        "/api/customers", {"email": "lin@example.com", "name": "Lin"}, format="json"
    )
    updated = api.patch(
        f"/api/customers/{created.json()['id']}",
        {"name": "Linus"},
        format="json",
        HTTP_IF_MATCH=created["ETag"],
    )

    assert created.status_code == 201
    assert (updated.status_code, updated.json()["version"]) == (200, 2)


def test_idempotency_key_replays_the_first_response(api, category):
    body = new_product_body(category)
    first = api.post("/api/products", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    again = api.post("/api/products", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["X-Consistency-Token"] == first["X-Consistency-Token"]
    assert again["Idempotent-Replayed"] == "true"
    assert Product.objects.count() == 1
    assert OutboxEvent.objects.filter(event_type="ProductCreated").count() == 1


def test_idempotency_key_with_another_body_is_a_422(api, category):
    api.post(
        "/api/products",
        new_product_body(category),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    response = api.post(
        "/api/products",
        new_product_body(category, sku="OTHER"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Product.objects.count() == 1


def test_idempotency_key_is_not_spent_by_a_refused_command(api, category):
    body = new_product_body(category, price="0")
    refused = api.post("/api/products", body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    retried = api.post(
        "/api/products",
        new_product_body(category),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert (refused.status_code, retried.status_code) == (400, 201)


def test_write_api_requires_authentication(category):
    response = APIClient().post("/api/categories", {"name": "X"}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_write_api_refuses_non_staff_users(django_user_model):
    client = APIClient()
    client.force_authenticate(django_user_model.objects.create_user("user"))

    response = client.post("/api/categories", {"name": "X"}, format="json")

    assert response.status_code == 403


def test_write_api_accepts_a_drf_token(staff_user):
    from rest_framework.authtoken.models import Token

    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff_user)}"
    )

    response = client.post("/api/categories", {"name": "Tokens"}, format="json")

    assert response.status_code == 201


def test_post_orders_emits_the_events_of_every_changed_aggregate(
    api, customer, product, outbox
):
    response = api.post(
        "/api/orders",
        {"customer": customer.pk, "lines": [{"product": product.pk, "quantity": 1}]},
        format="json",
    )

    assert outbox.new() == [
        Emitted("OrderPlaced", "order", str(response.json()["id"]), 1),
        Emitted("StockReserved", "stock", str(product.pk), 2),
        Emitted("CustomerStatsChanged", "customer", str(customer.pk), 2),
    ]
    assert {e.txid for e in OutboxEvent.objects.filter(aggregate_type="order")} == {
        int(response["X-Consistency-Token"])
    }


def _post_in_thread(*, user, body, responses) -> None:
    client = APIClient()
    client.force_authenticate(user)
    try:
        responses.append(
            client.post(
                "/api/products", body, format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
        )
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_idempotency_key_create_once(staff_user, category):
    responses: list = []
    body = new_product_body(category)
    threads = [
        threading.Thread(
            target=_post_in_thread,
            kwargs={"user": staff_user, "body": body, "responses": responses},
        )
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [201] * 4
    assert len({r.json()["id"] for r in responses}) == 1
    assert Product.objects.count() == 1
