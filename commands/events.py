"""The registry of event types: past-tense names that never change meaning once shipped.

Each event's payload is the full state of its aggregate after the change, built by
`commands.serializers_state` (see docs/CONTRACTS.md).
"""

from typing import Final

CATEGORY: Final = "category"
PRODUCT: Final = "product"
STOCK: Final = "stock"
CUSTOMER: Final = "customer"
ORDER: Final = "order"
APIKEY: Final = "apikey"

CATEGORY_CREATED: Final = "CategoryCreated"
CATEGORY_RENAMED: Final = "CategoryRenamed"
CATEGORY_MOVED: Final = "CategoryMoved"
CATEGORY_DELETED: Final = "CategoryDeleted"

PRODUCT_CREATED: Final = "ProductCreated"
PRODUCT_UPDATED: Final = "ProductUpdated"
PRODUCT_ARCHIVED: Final = "ProductArchived"
PRODUCT_DELETED: Final = "ProductDeleted"

STOCK_ADJUSTED: Final = "StockAdjusted"
STOCK_RESERVED: Final = "StockReserved"
STOCK_RELEASED: Final = "StockReleased"
STOCK_COMMITTED: Final = "StockCommitted"

CUSTOMER_REGISTERED: Final = "CustomerRegistered"
CUSTOMER_UPDATED: Final = "CustomerUpdated"
CUSTOMER_STATS_CHANGED: Final = "CustomerStatsChanged"

ORDER_PLACED: Final = "OrderPlaced"
ORDER_PAID: Final = "OrderPaid"
ORDER_SHIPPED: Final = "OrderShipped"
ORDER_CANCELLED: Final = "OrderCancelled"

APIKEY_ISSUED: Final = "ApiKeyIssued"
APIKEY_REVOKED: Final = "ApiKeyRevoked"
APIKEY_ROTATED: Final = "ApiKeyRotated"

# event type -> (aggregate type, payload schema version)
EVENT_TYPES: Final[dict[str, tuple[str, int]]] = {
    CATEGORY_CREATED: (CATEGORY, 1),
    CATEGORY_RENAMED: (CATEGORY, 1),
    CATEGORY_MOVED: (CATEGORY, 1),
    CATEGORY_DELETED: (CATEGORY, 1),
    PRODUCT_CREATED: (PRODUCT, 1),
    PRODUCT_UPDATED: (PRODUCT, 1),
    PRODUCT_ARCHIVED: (PRODUCT, 1),
    PRODUCT_DELETED: (PRODUCT, 1),
    STOCK_ADJUSTED: (STOCK, 1),
    STOCK_RESERVED: (STOCK, 1),
    STOCK_RELEASED: (STOCK, 1),
    STOCK_COMMITTED: (STOCK, 1),
    CUSTOMER_REGISTERED: (CUSTOMER, 1),
    CUSTOMER_UPDATED: (CUSTOMER, 1),
    CUSTOMER_STATS_CHANGED: (CUSTOMER, 1),
    ORDER_PLACED: (ORDER, 1),
    ORDER_PAID: (ORDER, 1),
    ORDER_SHIPPED: (ORDER, 1),
    ORDER_CANCELLED: (ORDER, 1),
    APIKEY_ISSUED: (APIKEY, 1),
    APIKEY_REVOKED: (APIKEY, 1),
    APIKEY_ROTATED: (APIKEY, 1),
}

AGGREGATE_TYPES: Final = frozenset(aggregate for aggregate, _ in EVENT_TYPES.values())


class UnknownEventType(ValueError):
    """An event type missing from the registry, or filed under the wrong aggregate."""


def schema_version(*, event_type: str, aggregate_type: str) -> int:
    """The payload schema version of a registered event type."""
    try:
        registered_aggregate, version = EVENT_TYPES[event_type]
    except KeyError:
        raise UnknownEventType(f"{event_type!r} is not a registered event") from None
    if registered_aggregate != aggregate_type:
        raise UnknownEventType(
            f"{event_type} belongs to {registered_aggregate!r}, not {aggregate_type!r}"
        )
    return version
