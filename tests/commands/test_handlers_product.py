"""Product handlers: creation with stock, updates, archive, soft delete, events."""

from decimal import Decimal

import pytest

from commands.errors import IllegalTransition, NotFound, StaleVersion, ValidationError
from commands.handlers.product import (
    product_archive,
    product_create,
    product_delete,
    product_update,
)
from commands.models import Product, StockItem, StockMovement
from tests.commands.conftest import Emitted

pytestmark = pytest.mark.django_db


def test_product_create_emits_product_created_and_stock_adjusted(category, outbox):
    product = product_create(
        sku="TENT-1",
        name="Tent",
        category_id=category.pk,
        price="199.90",
        initial_stock=7,
    )

    assert outbox.new() == [
        Emitted("ProductCreated", "product", str(product.pk), 1),
        Emitted("StockAdjusted", "stock", str(product.pk), 1),
    ]
    product_payload, stock_payload = outbox.payloads()
    assert product_payload["price"] == "199.90"
    assert product_payload["category_id"] == category.pk
    assert product_payload["deleted"] is False
    assert stock_payload == {
        "product_id": product.pk,
        "on_hand": 7,
        "reserved": 0,
        "available": 7,
        "units_sold": 0,
        "version": 1,
    }


def test_product_create_creates_its_stock_item_and_ledgers_initial_stock(product):
    assert StockItem.objects.get(product=product).on_hand == 10
    assert StockMovement.objects.get(product=product).delta_on_hand == 10


@pytest.mark.parametrize("price", ["0", "-1.00", "1.234", "abc"])
def test_product_create_refuses_a_bad_price(category, price, outbox):
    with pytest.raises(ValidationError) as refused:
        product_create(sku="BAD", name="Bad", category_id=category.pk, price=price)

    assert list(refused.value.fields) == ["price"]
    assert outbox.new() == []


def test_product_create_refuses_a_duplicate_sku(product):
    with pytest.raises(ValidationError) as refused:
        product_create(
            sku=product.sku, name="Copy", category_id=product.category_id, price="1"
        )

    assert list(refused.value.fields) == ["sku"]


def test_product_create_refuses_a_bad_currency(category):
    with pytest.raises(ValidationError) as refused:
        product_create(
            sku="X", name="X", category_id=category.pk, price="1", currency="EU"
        )

    assert list(refused.value.fields) == ["currency"]


def test_product_update_changes_fields_and_emits_product_updated(product, outbox):
    updated = product_update(product_id=product.pk, price="12.50", name="Better")

    assert (updated.price, updated.name, updated.version) == (
        Decimal("12.50"),
        "Better",
        2,
    )
    assert outbox.new() == [Emitted("ProductUpdated", "product", str(product.pk), 2)]


def test_product_update_that_changes_nothing_emits_nothing(product, outbox):
    same = product_update(product_id=product.pk, price="10.00")

    assert same.version == 1
    assert outbox.new() == []


def test_product_update_refuses_a_stale_expected_version(product, outbox):
    with pytest.raises(StaleVersion):
        product_update(product_id=product.pk, name="Late", expected_version=5)

    assert outbox.new() == []


def test_product_update_cannot_archive(product):
    with pytest.raises(ValidationError) as refused:
        product_update(product_id=product.pk, status="archived")

    assert list(refused.value.fields) == ["status"]


def test_product_archive_emits_product_archived(product, outbox):
    archived = product_archive(product_id=product.pk)

    assert archived.status == "archived"
    assert outbox.new() == [Emitted("ProductArchived", "product", str(product.pk), 2)]


def test_product_archive_twice_is_an_illegal_transition(product):
    product_archive(product_id=product.pk)

    with pytest.raises(IllegalTransition):
        product_archive(product_id=product.pk)


def test_product_delete_keeps_a_versioned_tombstone(product, outbox):
    product_delete(product_id=product.pk)

    tombstone = Product.objects.get(pk=product.pk)
    assert (tombstone.deleted, tombstone.version) == (True, 2)
    assert outbox.new() == [Emitted("ProductDeleted", "product", str(product.pk), 2)]
    assert outbox.payloads()[0]["deleted"] is True


def test_a_deleted_product_is_not_found_by_later_commands(product):
    product_delete(product_id=product.pk)

    with pytest.raises(NotFound):
        product_update(product_id=product.pk, name="Zombie")
