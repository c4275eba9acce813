"""Order commands: placed → paid → shipped, or cancelled from placed or paid.

Locks are always taken in the same order — order, customer, then stock rows by
product id — so concurrent order commands cannot deadlock. A customer's
`orders_count` counts their orders that are not cancelled; `lifetime_value` sums the
totals of their paid and shipped orders.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils import timezone

from commands import events
from commands.errors import (
    Conflict,
    IllegalTransition,
    InsufficientStock,
    NotFound,
    ValidationError,
)
from commands.handlers.aggregates import aggregate_event, bump, lock_for_change
from commands.handlers.customer import lock_customer
from commands.handlers.stock import lock_stock, move_order_lines, move_stock
from commands.models import (
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductStatus,
)
from commands.outbox import NewEvent, outbox_extend
from commands.write_guard import command_handler

LABEL = "order"
MAX_LINES = 200


@command_handler
def order_place(*, customer_id: int, lines: Iterable[Mapping[str, int]]) -> Order:
    """Reserve stock for every line; `InsufficientStock` when any is short.

    `lines` are mappings with `product_id` and `quantity`, one per product.
    """
    wanted = _clean_lines(lines)
    customer = _customer_for_order(customer_id)
    products = _orderable_products(wanted)
    stocks = lock_stock(wanted)
    shortages = {
        pk: (quantity, stocks[pk].available)
        for pk, quantity in wanted.items()
        if stocks[pk].available < quantity
    }
    if shortages:
        raise InsufficientStock(shortages)
    order = _insert_order(customer=customer, products=products, wanted=wanted)
    stock_events = [
        move_stock(
            stock=stocks[pk],
            delta_reserved=quantity,
            reason=f"reserved for order {order.pk}",
            order=order,
            event_type=events.STOCK_RESERVED,
        )
        for pk, quantity in sorted(wanted.items())
    ]
    customer.orders_count += 1
    _save_customer(customer)
    outbox_extend(
        [
            aggregate_event(order, event_type=events.ORDER_PLACED),
            *stock_events,
            aggregate_event(customer, event_type=events.CUSTOMER_STATS_CHANGED),
        ]
    )
    return order


@command_handler
def order_pay(*, order_id: int, expected_version: int | None = None) -> Order:
    """Turn the reservation into a sale: units leave on-hand and count as sold."""
    order = _lock_order(order_id, expected_version=expected_version)
    _require_status(order, OrderStatus.PLACED, action="pay")
    customer = lock_customer(order.customer_id)
    stock_events = move_order_lines(
        order,
        event_type=events.STOCK_COMMITTED,
        reason=f"sold in order {order.pk}",
        on_hand=-1,
        reserved=-1,
        sold=1,
    )
    customer.lifetime_value += order.total
    _save_customer(customer)
    order.status, order.paid_at = OrderStatus.PAID, timezone.now()
    _save_order(order)
    outbox_extend(
        [
            aggregate_event(order, event_type=events.ORDER_PAID),
            *stock_events,
            aggregate_event(customer, event_type=events.CUSTOMER_STATS_CHANGED),
        ]
    )
    return order


@command_handler
def order_ship(*, order_id: int, expected_version: int | None = None) -> Order:
    order = _lock_order(order_id, expected_version=expected_version)
    _require_status(order, OrderStatus.PAID, action="ship")
    order.status, order.shipped_at = OrderStatus.SHIPPED, timezone.now()
    _save_order(order)
    outbox_extend([aggregate_event(order, event_type=events.ORDER_SHIPPED)])
    return order


@command_handler
def order_cancel(*, order_id: int, expected_version: int | None = None) -> Order:
    """Cancel a placed order (release its reservation) or a paid one (restock it)."""
    order = _lock_order(order_id, expected_version=expected_version)
    if order.status not in (OrderStatus.PLACED, OrderStatus.PAID):
        _refuse(order, action="cancel")
    customer = lock_customer(order.customer_id)
    if order.status == OrderStatus.PAID:
        stock_events = _restock(order)
        customer.lifetime_value -= order.total
    else:
        stock_events = _release(order)
    customer.orders_count -= 1
    _save_customer(customer)
    order.status, order.cancelled_at = OrderStatus.CANCELLED, timezone.now()
    _save_order(order)
    outbox_extend(
        [
            aggregate_event(order, event_type=events.ORDER_CANCELLED),
            *stock_events,
            aggregate_event(customer, event_type=events.CUSTOMER_STATS_CHANGED),
        ]
    )
    return order


def _release(order: Order) -> list[NewEvent]:
    """Give a placed order's reserved units back to availability."""
    return move_order_lines(
        order,
        event_type=events.STOCK_RELEASED,
        reason=f"released by cancelled order {order.pk}",
        reserved=-1,
    )


def _restock(order: Order) -> list[NewEvent]:
    """Put a paid order's sold units back on hand and out of units sold."""
    return move_order_lines(
        order,
        event_type=events.STOCK_RELEASED,
        reason=f"returned by cancelled order {order.pk}",
        on_hand=1,
        sold=-1,
    )


def _clean_lines(lines: Iterable[Mapping[str, int]]) -> dict[int, int]:
    """product id -> quantity, refusing empty orders and repeated products."""
    wanted: dict[int, int] = {}
    for line in lines:
        product_id, quantity = line.get("product_id"), line.get("quantity")
        if isinstance(product_id, bool) or not isinstance(product_id, int):
            raise ValidationError.on("lines", "every line needs an integer product")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise ValidationError.on("lines", "every quantity must be at least 1")
        if product_id in wanted:
            raise ValidationError.on(
                "lines", f"product {product_id} appears more than once"
            )
        wanted[product_id] = quantity
    if not wanted:
        raise ValidationError.on("lines", "an order needs at least one line")
    if len(wanted) > MAX_LINES:
        raise ValidationError.on("lines", f"at most {MAX_LINES} lines per order")
    return wanted


def _customer_for_order(customer_id: int) -> Customer:
    """The customer named in the body: missing is a 400 on `customer`, not a 404."""
    try:
        return lock_customer(customer_id)
    except NotFound:
        raise ValidationError.on(
            "customer", f"customer {customer_id} does not exist"
        ) from None


def _orderable_products(wanted: Mapping[int, int]) -> dict[int, Product]:
    products = Product.objects.filter(deleted=False).in_bulk(list(wanted))
    missing = sorted(set(wanted) - set(products))
    if missing:
        raise ValidationError.on(
            "lines", f"product(s) {', '.join(map(str, missing))} do not exist"
        )
    inactive = sorted(
        p.sku for p in products.values() if p.status != ProductStatus.ACTIVE
    )
    if inactive:
        raise Conflict(f"product(s) {', '.join(inactive)} are not active")
    if len({p.currency for p in products.values()}) > 1:
        raise ValidationError.on(
            "lines", "all products of an order must share a currency"
        )
    return products


def _insert_order(
    *, customer: Customer, products: Mapping[int, Product], wanted: Mapping[int, int]
) -> Order:
    lines = [
        OrderLine(
            product=products[pk],
            sku=products[pk].sku,
            name=products[pk].name,
            quantity=quantity,
            unit_price=products[pk].price,
            line_total=products[pk].price * quantity,
        )
        for pk, quantity in wanted.items()
    ]
    order = Order(
        customer=customer,
        currency=next(iter(products.values())).currency,
        total=sum((line.line_total for line in lines), Decimal("0")),
        placed_at=timezone.now(),
    )
    order.save()
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    prefetch_related_objects([order], "lines")
    return order


def _lock_order(order_id: int, *, expected_version: int | None) -> Order:
    order = lock_for_change(
        Order.objects.all(),
        pk=order_id,
        label=LABEL,
        expected_version=expected_version,
    )
    prefetch_related_objects([order], "lines")
    return order


def _require_status(order: Order, status: str, *, action: str) -> None:
    if order.status != status:
        _refuse(order, action=action)


def _refuse(order: Order, *, action: str) -> None:
    raise IllegalTransition(
        model=LABEL, pk=order.pk, current=order.status, action=action
    )


def _save_customer(customer: Customer) -> None:
    bump(customer)
    customer.save()


def _save_order(order: Order) -> None:
    bump(order)
    order.save()
