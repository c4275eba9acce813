"""The admin writes through the handlers: forms and actions emit the same events."""

import hashlib

import pytest
from django.contrib.messages import get_messages

from commands.handlers.apikey import apikey_issue
from commands.handlers.category import category_create
from commands.handlers.order import order_place
from commands.models import ApiKey, Category, Product, StockItem
from projections.api_keys.schema import usage_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


def product_form(product, **overrides) -> dict:
    data = {
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "category": product.category_id,
        "price": str(product.price),
        "currency": product.currency,
        "status": product.status,
        "attributes": "{}",
    }
    return {**data, **overrides}


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_admin_add_category_emits_category_created(admin_client, outbox):
    response = admin_client.post(
        "/admin/commands/category/add/", {"name": "Kitchen", "slug": "kitchen"}
    )

    category = Category.objects.get(slug="kitchen")
    assert response.status_code == 302
    assert outbox.new_types() == ["CategoryCreated"]
    assert category.version == 1


def test_admin_add_product_creates_it_with_stock(admin_client, category, outbox):
    data = {
        "sku": "ADM-1",
        "name": "Pan",
        "description": "",
        "category": category.pk,
        "price": "30.00",
        "currency": "EUR",
        "status": "active",
        "attributes": "{}",
        "initial_stock": "4",
    }

    response = admin_client.post("/admin/commands/product/add/", data)

    assert response.status_code == 302
    assert StockItem.objects.get(product__sku="ADM-1").on_hand == 4
    assert outbox.new_types() == ["ProductCreated", "StockAdjusted"]


def test_admin_change_product_emits_product_updated(admin_client, product, outbox):
    admin_client.post(
        f"/admin/commands/product/{product.pk}/change/",
        product_form(product, price="12.00"),
    )

    assert outbox.new_types() == ["ProductUpdated"]
    assert Product.objects.get(pk=product.pk).version == 2


def test_admin_change_product_to_archived_emits_product_archived(
    admin_client, product, outbox
):
    admin_client.post(
        f"/admin/commands/product/{product.pk}/change/",
        product_form(product, status="archived"),
    )

    assert outbox.new_types() == ["ProductArchived"]


def test_admin_invalid_price_is_a_form_error_and_saves_nothing(
    admin_client, product, outbox
):
    response = admin_client.post(
        f"/admin/commands/product/{product.pk}/change/",
        product_form(product, price="0"),
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert outbox.new() == []


def test_admin_archive_action_emits_product_archived(
    admin_client, make_product, outbox
):
    products = [make_product(), make_product()]
    outbox.mark()

    admin_client.post(
        "/admin/commands/product/",
        {"action": "archive_selected", "_selected_action": [p.pk for p in products]},
    )

    assert outbox.new_types() == ["ProductArchived", "ProductArchived"]


def test_admin_delete_view_soft_deletes_the_product(admin_client, product, outbox):
    admin_client.post(f"/admin/commands/product/{product.pk}/delete/", {"post": "yes"})

    assert Product.objects.get(pk=product.pk).deleted is True
    assert outbox.new_types() == ["ProductDeleted"]


def test_admin_offers_no_plain_delete_selected(admin_client, product):
    response = admin_client.get("/admin/commands/product/")

    actions = dict(response.context["action_form"].fields["action"].choices)
    assert "delete_selected" not in actions
    assert "soft_delete_selected" in actions


def test_admin_category_cycle_is_refused_with_a_message(admin_client, category, outbox):
    child = category_create(name="Child", parent_id=category.pk)
    outbox.mark()

    response = admin_client.post(
        f"/admin/commands/category/{category.pk}/change/",
        {"name": category.name, "slug": category.slug, "parent": child.pk},
        follow=True,
    )

    assert any("cannot move under itself" in m for m in messages_of(response))
    assert Category.objects.get(pk=category.pk).parent_id is None
    assert outbox.new() == []


def test_admin_stock_form_adjusts_through_the_handler(admin_client, product, outbox):
    admin_client.post(
        f"/admin/commands/stockitem/{product.pk}/change/",
        {"delta": "-3", "reason": "breakage"},
    )

    assert StockItem.objects.get(pk=product.pk).on_hand == 7
    assert outbox.new_types() == ["StockAdjusted"]


def test_admin_customer_add_registers_the_customer(admin_client, outbox):
    admin_client.post(
        "/admin/commands/customer/add/", {"email": "ken@example.com", "name": "Ken"}
    )

    assert outbox.new_types() == ["CustomerRegistered"]


def test_admin_order_actions_move_orders(admin_client, customer, product, outbox):
    order = order_place(
        customer_id=customer.pk, lines=[{"product_id": product.pk, "quantity": 1}]
    )
    outbox.mark()

    admin_client.post(
        "/admin/commands/order/",
        {"action": "pay_selected", "_selected_action": [order.pk]},
    )

    assert outbox.new_types() == ["OrderPaid", "StockCommitted", "CustomerStatsChanged"]


def test_admin_apikey_add_shows_the_raw_key_once_and_stores_its_hash(
    admin_client, outbox
):
    response = admin_client.post(
        "/admin/commands/apikey/add/",
        {"name": "partner", "scopes": ["catalog:read"]},
        follow=True,
    )

    (shown,) = [m for m in messages_of(response) if "copy it now" in m]
    raw_key = shown.split(": ", 1)[1].split(" ")[0]
    apikey = ApiKey.objects.get(name="partner")
    assert apikey.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert outbox.new_types() == ["ApiKeyIssued"]
    assert (
        raw_key
        not in admin_client.get(
            f"/admin/commands/apikey/{apikey.pk}/change/"
        ).content.decode()
    )


def test_admin_revoke_action_revokes_the_key(admin_client, outbox):
    apikey, _ = apikey_issue(name="old", scopes=["orders:read"])
    outbox.mark()

    admin_client.post(
        "/admin/commands/apikey/",
        {"action": "revoke_selected", "_selected_action": [apikey.pk]},
    )

    assert ApiKey.objects.get(pk=apikey.pk).active is False
    assert outbox.new_types() == ["ApiKeyRevoked"]


def test_admin_rotate_action_shows_the_new_key_and_keeps_the_old_for_the_grace(
    admin_client, outbox, settings
):
    settings.CQRS = {**settings.CQRS, "API_KEY_ROTATION_GRACE_SECONDS": 3600}
    apikey, _ = apikey_issue(name="partner", scopes=["orders:read"])
    outbox.mark()

    response = admin_client.post(
        "/admin/commands/apikey/",
        {"action": "rotate_selected", "_selected_action": [apikey.pk]},
        follow=True,
    )

    old = ApiKey.objects.get(pk=apikey.pk)
    new = ApiKey.objects.exclude(pk=apikey.pk).get(name="partner")
    shown = next(m for m in messages_of(response) if "New API key" in m)
    raw_key = shown.split(": ", 1)[1].split(" ", 1)[0]
    assert new.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert old.active and old.expires_at is not None
    assert outbox.new_types() == ["ApiKeyRotated", "ApiKeyIssued"]


def test_admin_apikey_list_shows_expiry_and_last_use(admin_client, redis_client):
    apikey, _ = apikey_issue(name="seen", scopes=["orders:read"])
    redis_client.hset(usage_key(), apikey.key_hash, "1893553445")

    page = admin_client.get("/admin/commands/apikey/").content.decode()

    assert "last used" in page.lower() and "expires at" in page.lower()
    assert "2030-01-02 03:04 UTC" in page


def test_admin_issue_with_a_past_expiry_names_the_field(admin_client):
    response = admin_client.post(
        "/admin/commands/apikey/add/",
        {
            "name": "late",
            "scopes": ["catalog:read"],
            "expires_at_0": "2001-01-01",
            "expires_at_1": "00:00:00",
        },
        follow=True,
    )

    assert not ApiKey.objects.filter(name="late").exists()
    assert any("expires_at" in m for m in messages_of(response))


def test_admin_outbox_is_read_only(admin_client, product):
    listing = admin_client.get(
        "/admin/commands/outboxevent/", {"aggregate_type__exact": "product"}
    )
    add = admin_client.get("/admin/commands/outboxevent/add/")

    assert listing.status_code == 200
    assert add.status_code == 403
