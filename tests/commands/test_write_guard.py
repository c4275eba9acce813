"""Writes that would bypass the outbox are refused, and change nothing."""

from decimal import Decimal

import pytest

from commands.errors import BulkWriteRefused
from commands.models import (
    Category,
    Customer,
    OutboxEvent,
    Product,
    StockItem,
    StockMovement,
)
from commands.write_guard import handler_write_scope

pytestmark = pytest.mark.django_db


def test_queryset_update_is_refused_and_changes_nothing(product):
    with pytest.raises(BulkWriteRefused, match="commands.handlers.product"):
        Product.objects.filter(pk=product.pk).update(price=Decimal("1.00"))

    product.refresh_from_db()
    assert product.price == Decimal("10.00")


def test_queryset_delete_is_refused(product):
    with pytest.raises(BulkWriteRefused, match="transactional outbox"):
        Product.objects.all().delete()

    assert Product.objects.filter(pk=product.pk).exists()


def test_bulk_create_is_refused(category):
    with pytest.raises(BulkWriteRefused, match="category_create"):
        Category.objects.bulk_create([Category(name="X", slug="x")])

    assert not Category.objects.filter(slug="x").exists()


def test_bulk_update_is_refused(customer):
    customer.name = "Changed"

    with pytest.raises(BulkWriteRefused, match="customer_update"):
        Customer.objects.bulk_update([customer], ["name"])

    customer.refresh_from_db()
    assert customer.name == "Ada Lovelace"


def test_model_save_outside_a_handler_is_refused(product):
    product.name = "Sneaky"

    with pytest.raises(BulkWriteRefused, match="save"):
        product.save()

    product.refresh_from_db()
    assert product.name != "Sneaky"


def test_model_delete_outside_a_handler_is_refused(category):
    with pytest.raises(BulkWriteRefused, match="category_delete"):
        category.delete()

    assert Category.objects.filter(pk=category.pk).exists()


def test_objects_create_outside_a_handler_is_refused(category):
    with pytest.raises(BulkWriteRefused):
        Category.objects.create(name="Direct", slug="direct")


def test_stock_ledger_refuses_updates_even_inside_a_handler(product):
    with handler_write_scope(), pytest.raises(BulkWriteRefused, match="append-only"):
        StockMovement.objects.filter(product=product).update(reason="rewritten")


def test_stock_ledger_refuses_deletes_even_inside_a_handler(product):
    movement = StockMovement.objects.get(product=product)

    with handler_write_scope(), pytest.raises(BulkWriteRefused, match="append-only"):
        movement.delete()


def test_outbox_refuses_updates_and_deletes(product):
    with pytest.raises(BulkWriteRefused, match="prune_outbox"):
        OutboxEvent.objects.update(payload={})
    with pytest.raises(BulkWriteRefused, match="prune_outbox"):
        OutboxEvent.objects.all().delete()

    assert OutboxEvent.objects.filter(aggregate_id=str(product.pk)).count() == 2


def test_stock_item_update_is_refused(product):
    with pytest.raises(BulkWriteRefused, match="stock_adjust"):
        StockItem.objects.update(on_hand=0)
