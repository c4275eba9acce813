"""stock_adjust: never below zero available, always ledgered, always an event."""

import pytest

from commands.errors import InsufficientStock, NotFound, ValidationError
from commands.handlers.order import order_place
from commands.handlers.product import product_delete
from commands.handlers.stock import stock_adjust
from commands.models import StockItem, StockMovement
from tests.commands.conftest import Emitted

pytestmark = pytest.mark.django_db


def test_stock_adjust_adds_units_and_emits_stock_adjusted(product, outbox):
    stock = stock_adjust(product_id=product.pk, delta=5, reason="delivery")

    assert (stock.on_hand, stock.version) == (15, 2)
    assert outbox.new() == [Emitted("StockAdjusted", "stock", str(product.pk), 2)]
    assert outbox.payloads()[0]["available"] == 15


def test_stock_adjust_writes_a_ledger_row(product):
    stock_adjust(product_id=product.pk, delta=-4, reason="damaged")

    movement = StockMovement.objects.filter(product=product).last()
    assert (movement.delta_on_hand, movement.reason) == (-4, "damaged")


def test_stock_adjust_refuses_to_go_below_zero_available(product, customer, outbox):
    order_place(
        customer_id=customer.pk, lines=[{"product_id": product.pk, "quantity": 8}]
    )
    outbox.mark()

    with pytest.raises(InsufficientStock):
        stock_adjust(product_id=product.pk, delta=-3, reason="count")

    assert StockItem.objects.get(pk=product.pk).on_hand == 10
    assert outbox.new() == []


@pytest.mark.parametrize(
    ("delta", "reason", "field"), [(0, "x", "delta"), (1, "  ", "reason")]
)
def test_stock_adjust_refuses_bad_input(product, delta, reason, field):
    with pytest.raises(ValidationError) as refused:
        stock_adjust(product_id=product.pk, delta=delta, reason=reason)

    assert list(refused.value.fields) == [field]


def test_stock_adjust_of_a_deleted_product_is_not_found(product):
    product_delete(product_id=product.pk)

    with pytest.raises(NotFound):
        stock_adjust(product_id=product.pk, delta=1, reason="late delivery")
