"""The write model: catalogue, inventory, customers, orders, API keys and the outbox.

Rows of outboxed models change only inside command handlers (`commands.handlers`),
which append the matching outbox events in the same transaction; every other write
path raises `BulkWriteRefused` (see `commands.write_guard`). Django finds the models
through the imports below.
"""

from commands.models.api_keys import API_KEY_SCOPES, ApiKey
from commands.models.base import (
    OutboxedModel,
    OutboxedQuerySet,
    TimestampedModel,
    Xid8Field,
)
from commands.models.catalogue import CatalogTree, Category, Product, ProductStatus
from commands.models.idempotency import IdempotencyRecord
from commands.models.inventory import StockItem, StockMovement, StockMovementQuerySet
from commands.models.outbox import OutboxEvent, OutboxEventQuerySet
from commands.models.sales import Customer, Order, OrderLine, OrderStatus

__all__ = [
    "API_KEY_SCOPES",
    "ApiKey",
    "CatalogTree",
    "Category",
    "Customer",
    "IdempotencyRecord",
    "Order",
    "OrderLine",
    "OrderStatus",
    "OutboxEvent",
    "OutboxEventQuerySet",
    "OutboxedModel",
    "OutboxedQuerySet",
    "Product",
    "ProductStatus",
    "StockItem",
    "StockMovement",
    "StockMovementQuerySet",
    "TimestampedModel",
    "Xid8Field",
]
