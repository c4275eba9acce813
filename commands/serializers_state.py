"""Full-state payloads of each aggregate: the body of its events and API responses.

Ids are ints, decimals strings, datetimes ISO-8601 (see docs/CONTRACTS.md).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from commands.models import (
    ApiKey,
    Category,
    Customer,
    Order,
    OrderLine,
    Product,
    StockItem,
)


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _money(value: Decimal) -> str:
    return f"{Decimal(value):.2f}"


def category_state(category: Category) -> dict[str, Any]:
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        "parent_id": category.parent_id,
        "version": category.version,
    }


def product_state(product: Product) -> dict[str, Any]:
    return {
        "id": product.pk,
        "sku": product.sku,
        "name": product.name,
        "description": product.description,
        "category_id": product.category_id,
        "price": _money(product.price),
        "currency": product.currency,
        "status": product.status,
        "attributes": product.attributes,
        "created_at": _iso(product.created_at),
        "updated_at": _iso(product.updated_at),
        "version": product.version,
        "deleted": product.deleted,
    }


def stock_state(stock: StockItem) -> dict[str, Any]:
    return {
        "product_id": stock.product_id,
        "on_hand": stock.on_hand,
        "reserved": stock.reserved,
        "available": stock.on_hand - stock.reserved,
        "units_sold": stock.units_sold,
        "version": stock.version,
    }


def customer_state(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk,
        "email": customer.email,
        "name": customer.name,
        "orders_count": customer.orders_count,
        "lifetime_value": _money(customer.lifetime_value),
        "version": customer.version,
    }


def order_line_state(line: OrderLine) -> dict[str, Any]:
    return {
        "product_id": line.product_id,
        "sku": line.sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": _money(line.unit_price),
        "line_total": _money(line.line_total),
    }


def order_state(order: Order) -> dict[str, Any]:
    """Uses prefetched `lines` when present (handlers and listings prefetch them)."""
    return {
        "id": order.pk,
        "customer_id": order.customer_id,
        "status": order.status,
        "currency": order.currency,
        "total": _money(order.total),
        "lines": [order_line_state(line) for line in order.lines.all()],
        "placed_at": _iso(order.placed_at),
        "paid_at": _iso(order.paid_at),
        "shipped_at": _iso(order.shipped_at),
        "cancelled_at": _iso(order.cancelled_at),
        "version": order.version,
    }


def apikey_state(apikey: ApiKey) -> dict[str, Any]:
    return {
        "id": apikey.pk,
        "name": apikey.name,
        "key_hash": apikey.key_hash,
        "scopes": list(apikey.scopes),
        "active": apikey.active,
        "expires_at": apikey.expires_at.isoformat() if apikey.expires_at else None,
        "version": apikey.version,
    }
