"""Order handlers: stock reservation and sale, customer stats, transitions, events."""

import random
import threading
from decimal import Decimal

import pytest
from django.db import connection

from commands.errors import (
    Conflict,
    IllegalTransition,
    InsufficientStock,
    ValidationError,
)
from commands.handlers.order import order_cancel, order_pay, order_place, order_ship
from commands.handlers.product import product_archive
from commands.models import Customer, Order, StockItem
from tests.commands.conftest import Emitted


def place(customer, *products, quantity=2) -> Order:
    lines = [{"product_id": p.pk, "quantity": quantity} for p in products]
    return order_place(customer_id=customer.pk, lines=lines)


def stock_of(product) -> tuple[int, int, int]:
    stock = StockItem.objects.get(pk=product.pk)
    return stock.on_hand, stock.reserved, stock.units_sold


@pytest.mark.django_db
def test_order_place_reserves_stock_and_emits_every_changed_aggregate(
    customer, make_product, outbox
):
    first, second = make_product(), make_product(price="2.50")
    outbox.mark()

    order = place(customer, second, first)

    assert order.total == Decimal("25.00")
    assert stock_of(first) == (10, 2, 0)
    assert outbox.new() == [
        Emitted("OrderPlaced", "order", str(order.pk), 1),
        Emitted("StockReserved", "stock", str(first.pk), 2),
        Emitted("StockReserved", "stock", str(second.pk), 2),
        Emitted("CustomerStatsChanged", "customer", str(customer.pk), 2),
    ]
    assert [line["quantity"] for line in outbox.payloads()[0]["lines"]] == [2, 2]


@pytest.mark.django_db
def test_order_place_short_on_stock_writes_nothing(customer, product, outbox):
    with pytest.raises(InsufficientStock) as refused:
        place(customer, product, quantity=11)

    assert refused.value.shortages == {product.pk: (11, 10)}
    assert Order.objects.count() == 0
    assert stock_of(product) == (10, 0, 0)
    assert outbox.new() == []


@pytest.mark.django_db
def test_order_place_refuses_an_inactive_product(customer, product):
    product_archive(product_id=product.pk)

    with pytest.raises(Conflict, match="not active"):
        place(customer, product)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "lines",
    [[], [{"product_id": 1, "quantity": 0}], [{"product_id": 999_999, "quantity": 1}]],
)
def test_order_place_refuses_bad_lines(customer, product, lines):
    with pytest.raises(ValidationError) as refused:
        order_place(customer_id=customer.pk, lines=lines)

    assert list(refused.value.fields) == ["lines"]


@pytest.mark.django_db
def test_order_place_refuses_a_product_twice(customer, product):
    line = {"product_id": product.pk, "quantity": 1}

    with pytest.raises(ValidationError, match="more than once"):
        order_place(customer_id=customer.pk, lines=[line, line])


@pytest.mark.django_db
def test_order_pay_sells_the_reserved_units(customer, product, outbox):
    order = place(customer, product, quantity=3)
    outbox.mark()

    paid = order_pay(order_id=order.pk)

    assert paid.status == "paid" and paid.paid_at is not None
    assert stock_of(product) == (7, 0, 3)
    assert Customer.objects.get(pk=customer.pk).lifetime_value == Decimal("30.00")
    assert outbox.new_types() == ["OrderPaid", "StockCommitted", "CustomerStatsChanged"]


@pytest.mark.django_db
def test_order_ship_emits_order_shipped_only(customer, product, outbox):
    order = place(customer, product)
    order_pay(order_id=order.pk)
    outbox.mark()

    shipped = order_ship(order_id=order.pk)

    assert (shipped.status, shipped.version) == ("shipped", 3)
    assert outbox.new() == [Emitted("OrderShipped", "order", str(order.pk), 3)]


@pytest.mark.django_db
def test_order_cancel_of_a_placed_order_releases_the_reservation(
    customer, product, outbox
):
    order = place(customer, product)
    outbox.mark()

    order_cancel(order_id=order.pk)

    assert stock_of(product) == (10, 0, 0)
    assert Customer.objects.get(pk=customer.pk).orders_count == 0
    assert outbox.new_types() == [
        "OrderCancelled",
        "StockReleased",
        "CustomerStatsChanged",
    ]


@pytest.mark.django_db
def test_order_cancel_of_a_paid_order_restocks_and_corrects_the_customer(
    customer, product
):
    order = place(customer, product, quantity=4)
    order_pay(order_id=order.pk)

    order_cancel(order_id=order.pk)

    stats = Customer.objects.get(pk=customer.pk)
    assert stock_of(product) == (10, 0, 0)
    assert (stats.orders_count, stats.lifetime_value) == (0, Decimal("0.00"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ((), order_ship),
        ((order_pay,), order_pay),
        ((order_pay, order_ship), order_cancel),
        ((order_cancel,), order_pay),
    ],
)
def test_illegal_order_transitions_are_refused(customer, product, steps, illegal):
    order = place(customer, product)
    for step in steps:
        step(order_id=order.pk)

    with pytest.raises(IllegalTransition):
        illegal(order_id=order.pk)


def _place_in_thread(*, customer_id, lines, outcomes) -> None:
    try:
        order_place(customer_id=customer_id, lines=lines)
        outcomes.append("placed")
    except InsufficientStock:
        outcomes.append("short")
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_never_oversell(customer, product):
    outcomes: list[str] = []
    lines = [{"product_id": product.pk, "quantity": 1}]
    threads = [
        threading.Thread(
            target=_place_in_thread,
            kwargs={"customer_id": customer.pk, "lines": lines, "outcomes": outcomes},
        )
        for _ in range(14)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["placed"] * 10 + ["short"] * 4
    assert stock_of(product) == (10, 10, 0)


@pytest.mark.django_db(transaction=True)
def test_concurrent_multi_product_orders_do_not_deadlock(customer, make_product):
    products = [make_product(initial_stock=100) for _ in range(4)]
    outcomes: list[str] = []

    def lines_for(seed: int) -> list[dict]:
        shuffled = random.Random(seed).sample(products, k=len(products))
        return [{"product_id": p.pk, "quantity": 1} for p in shuffled]

    threads = [
        threading.Thread(
            target=_place_in_thread,
            kwargs={
                "customer_id": customer.pk,
                "lines": lines_for(seed),
                "outcomes": outcomes,
            },
        )
        for seed in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes == ["placed"] * 12
    assert [stock_of(p)[1] for p in products] == [12, 12, 12, 12]
