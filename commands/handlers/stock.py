"""Inventory commands, and the stock moves the order handlers make."""

from collections.abc import Iterable

from commands import events
from commands.errors import InsufficientStock, NotFound, ValidationError
from commands.handlers.aggregates import aggregate_event, bump, check_version
from commands.handlers.cleaning import clean_int, clean_text
from commands.models import Order, StockItem, StockMovement
from commands.outbox import NewEvent, outbox_extend
from commands.write_guard import command_handler

LABEL = "stock"
REASON_MAX = 200


@command_handler
def stock_adjust(
    *,
    product_id: int,
    delta: int,
    reason: str,
    expected_version: int | None = None,
) -> StockItem:
    """Add (delta > 0) or remove (delta < 0) units on hand; never below zero available."""
    delta = clean_int(delta, field="delta")
    if delta == 0:
        raise ValidationError.on("delta", "must not be zero")
    reason = clean_text(reason, field="reason", max_length=REASON_MAX)
    stock = lock_stock([product_id])[product_id]
    check_version(stock, label=LABEL, expected_version=expected_version)
    if stock.available + delta < 0:
        raise InsufficientStock({product_id: (-delta, stock.available)})
    event = move_stock(
        stock=stock,
        delta_on_hand=delta,
        reason=reason,
        event_type=events.STOCK_ADJUSTED,
    )
    outbox_extend([event])
    return stock


def lock_stock(
    product_ids: Iterable[int], *, live_only: bool = True
) -> dict[int, StockItem]:
    """Lock stock rows in product-id order (so no deadlocks); `NotFound` if absent."""
    wanted = sorted(set(product_ids))
    rows = StockItem.objects.select_for_update(of=("self",)).filter(
        product_id__in=wanted
    )
    if live_only:
        rows = rows.filter(product__deleted=False)
    rows = rows.order_by("product_id")
    stocks = {stock.product_id: stock for stock in rows}
    for product_id in wanted:
        if product_id not in stocks:
            raise NotFound(model="product", pk=product_id)
    return stocks


def move_stock(
    *,
    stock: StockItem,
    event_type: str,
    reason: str,
    delta_on_hand: int = 0,
    delta_reserved: int = 0,
    delta_sold: int = 0,
    order: Order | None = None,
) -> NewEvent:
    """Apply one move to a locked stock row, ledger it, and return its event."""
    stock.on_hand += delta_on_hand
    stock.reserved += delta_reserved
    stock.units_sold += delta_sold
    bump(stock)
    stock.save()
    if delta_on_hand or delta_reserved:
        StockMovement(
            product_id=stock.product_id,
            delta_on_hand=delta_on_hand,
            delta_reserved=delta_reserved,
            reason=reason,
            order=order,
        ).save()
    return aggregate_event(stock, event_type=event_type)


def move_order_lines(
    order: Order,
    *,
    event_type: str,
    reason: str,
    on_hand: int = 0,
    reserved: int = 0,
    sold: int = 0,
) -> list[NewEvent]:
    """Move each line of `order`: its quantity times the given signs on its stock row."""
    lines = sorted(order.lines.all(), key=lambda line: line.product_id)
    # Deleted products keep their stock rows, and their orders must still move.
    stocks = lock_stock([line.product_id for line in lines], live_only=False)
    return [
        move_stock(
            stock=stocks[line.product_id],
            delta_on_hand=on_hand * line.quantity,
            delta_reserved=reserved * line.quantity,
            delta_sold=sold * line.quantity,
            reason=reason,
            order=order,
            event_type=event_type,
        )
        for line in lines
    ]
