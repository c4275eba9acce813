"""Seed the read models straight into the real stores, in the shape of the contract.

The projections write these documents and keys in production; tests of the read
API put them there directly so they do not depend on the projection engine.
"""

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from opensearchpy import OpenSearch, helpers
from redis import Redis

from projections import naming
from projections.orders import schema as orders_schema
from projections.products import schema as products_schema

GENERATION = "1"
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)

# category slug -> path of slugs from the root (names are the capitalised slugs)
CATEGORIES = {
    "home": ["home"],
    "furniture": ["home", "furniture"],
    "chairs": ["home", "furniture", "chairs"],
    "tables": ["home", "furniture", "tables"],
    "garden": ["home", "garden"],
    "toys": ["toys"],
    "noise": ["noise"],
}
PRICES = ["5.00", "9.99", "9.99", "19.99", "49.00", "120.00", "300.00"]
NAMES = [
    "Oak chair",
    "oak chair",
    "Steel table",
    "Garden bench",
    "Red lamp",
    "Blue rug",
]
WORDS = ["red", "blue", "wooden", "steel", "chair", "table", "soft", "round"]
STATUSES = ["active", "active", "active", "draft", "archived"]


@dataclass
class Catalog:
    """What was seeded, for tests to compute what the API should answer."""

    products: dict[int, dict[str, Any]] = field(default_factory=dict)
    tombstones: set[int] = field(default_factory=set)
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    board: dict[str, float] = field(default_factory=dict)

    def live(self, predicate=lambda doc: True) -> list[dict[str, Any]]:
        return [doc for doc in self.products.values() if predicate(doc)]


def product_document(
    *, product_id: int, category: str, **overrides: Any
) -> dict[str, Any]:
    """A live product document as the `products` projection writes it."""
    path = CATEGORIES[category]
    price = PRICES[product_id % len(PRICES)]
    available = (product_id * 7) % 5
    words = [WORDS[(product_id + i) % len(WORDS)] for i in range(0, 6, 2)]
    document = {
        "id": product_id,
        "sku": f"SKU-{product_id:05d}",
        "name": NAMES[product_id % len(NAMES)],
        "description": " ".join(words),
        "category_id": list(CATEGORIES).index(category) + 1,
        "category_slug": path[-1],
        "category_path": path,
        "category_names": [slug.capitalize() for slug in path],
        "price": price,
        "currency": "EUR",
        "status": STATUSES[product_id % len(STATUSES)],
        "available": available,
        "in_stock": available > 0,
        "units_sold": product_id % 4,
        "attributes": {"colour": words[0]},
        "created_at": (EPOCH + timedelta(hours=product_id % 9)).isoformat(),
        "updated_at": EPOCH.isoformat(),
        "deleted": False,
        "versions": {"product": 1, "stock": 1, "tree": 1},
    }
    document.update(overrides)
    return document


def tombstone(product_id: int) -> dict[str, Any]:
    """A deleted product, kept so late stale writes cannot resurrect it."""
    return {
        "id": product_id,
        "sku": f"SKU-{product_id:05d}",
        "deleted": True,
        "updated_at": EPOCH.isoformat(),
        "versions": {"product": 2, "stock": 1, "tree": 1},
    }


def order_document(
    *, order_id: int, customer_id: int, **overrides: Any
) -> dict[str, Any]:
    """An order document as the `orders` projection writes it."""
    quantity = 1 + order_id % 3
    unit_price = Decimal(PRICES[order_id % len(PRICES)])
    status = ["placed", "paid", "shipped", "cancelled"][order_id % 4]
    placed_at = EPOCH + timedelta(days=order_id % 6)
    document = {
        "id": order_id,
        "customer_id": customer_id,
        "customer_name": f"Customer {customer_id}",
        "customer_email": f"c{customer_id}@example.com",
        "status": status,
        "currency": "EUR",
        "total": f"{unit_price * quantity:.2f}",
        "lines": [
            {
                "product_id": order_id,
                "sku": f"SKU-{order_id:05d}",
                "name": NAMES[order_id % len(NAMES)],
                "quantity": quantity,
                "unit_price": f"{unit_price:.2f}",
                "line_total": f"{unit_price * quantity:.2f}",
            }
        ],
        "line_count": 1,
        "placed_at": placed_at.isoformat(),
        "paid_at": (placed_at + timedelta(hours=1)).isoformat()
        if status != "placed"
        else None,
        "shipped_at": (placed_at + timedelta(days=1)).isoformat()
        if status == "shipped"
        else None,
        "cancelled_at": (placed_at + timedelta(days=2)).isoformat()
        if status == "cancelled"
        else None,
        "versions": {"order": 1, "customer": 1},
    }
    document.update(overrides)
    return document


def create_index(
    client: OpenSearch, *, projection: str, settings: dict, mappings: dict
) -> str:
    """A fresh generation index for `projection`, behind its alias."""
    index = naming.index_name(projection=projection, generation=GENERATION)
    client.indices.delete(index=index, ignore_unavailable=True)
    client.indices.create(
        index=index,
        body={
            "settings": settings,
            "mappings": mappings,
            "aliases": {naming.alias(projection): {}},
        },
    )
    return index


def index_documents(
    client: OpenSearch, *, projection: str, documents: list[dict]
) -> None:
    """Bulk-write documents with external versions, as the projections do."""
    actions = [
        {
            "_index": naming.alias(projection),
            "_id": str(document["id"]),
            "_version": sum(document["versions"].values()),
            "_version_type": "external",
            "_source": document,
        }
        for document in documents
    ]
    helpers.bulk(client, actions, refresh="wait_for")


def write_product(
    client: OpenSearch, document: dict[str, Any], *, version: int
) -> None:
    """One product write, visible to searches when this returns."""
    client.index(
        index=naming.alias(products_schema.PROJECTION),
        id=str(document["id"]),
        body=document,
        version=version,
        version_type="external",
        refresh="true",
    )


def seed_catalog(client: OpenSearch) -> Catalog:
    """Products across the category tree (with many ties), tombstones, orders."""
    catalog = Catalog()
    create_index(
        client,
        projection=products_schema.PROJECTION,
        settings=dict(products_schema.SETTINGS),
        mappings=products_schema.MAPPINGS,
    )
    categories = ["chairs", "tables", "garden", "furniture", "home", "toys"]
    for product_id in range(1, 241):
        catalog.products[product_id] = product_document(
            product_id=product_id, category=categories[product_id % len(categories)]
        )
    catalog.tombstones = {241, 242, 243, 244, 245}
    documents = [
        *catalog.products.values(),
        *(tombstone(i) for i in catalog.tombstones),
    ]
    index_documents(client, projection=products_schema.PROJECTION, documents=documents)

    create_index(
        client,
        projection=orders_schema.PROJECTION,
        settings=dict(orders_schema.SETTINGS),
        mappings=orders_schema.MAPPINGS,
    )
    for order_id in range(1, 91):
        catalog.orders[order_id] = order_document(
            order_id=order_id, customer_id=1 + order_id % 5
        )
    index_documents(
        client,
        projection=orders_schema.PROJECTION,
        documents=list(catalog.orders.values()),
    )
    return catalog


def redis_key(*, projection: str, suffix: str) -> str:
    """`{ns}:{projection}:{generation}:{suffix}` of the seeded generation."""
    return (
        f"{naming.redis_prefix(projection=projection, generation=GENERATION)}:{suffix}"
    )


def seed_redis(client: Redis, *, catalog: Catalog) -> None:
    """Generation pointers and markers, stock, leaderboard, customer summaries, watermarks."""
    for projection in ("stock", "top_products", "customer_summary", "api_keys"):
        client.set(naming.generation_pointer(projection), GENERATION)
        client.set(
            naming.generation_marker(projection=projection, generation=GENERATION), 1
        )
    for product_id, document in catalog.products.items():
        on_hand = document["available"] + 2
        client.hset(
            redis_key(projection="stock", suffix=str(product_id)),
            mapping={
                "on_hand": on_hand,
                "reserved": 2,
                "available": document["available"],
                "units_sold": document["units_sold"],
                "version": 3,
            },
        )
    # Many ties: scores repeat so paging must order by (score, member).
    catalog.board = {str(pid): float((pid * 13) % 6) for pid in range(1, 61)}
    client.zadd(redis_key(projection="top_products", suffix="board"), catalog.board)
    for customer_id in range(1, 6):
        client.hset(
            redis_key(projection="customer_summary", suffix=str(customer_id)),
            mapping={"orders_count": 18, "lifetime_value": "123.45", "version": 7},
        )
    for projection in (
        "products",
        "orders",
        "stock",
        "top_products",
        "customer_summary",
    ):
        client.set(naming.watermark_key(projection), 1000)


@dataclass(frozen=True)
class IssuedKey:
    raw: str
    key_hash: str

    @property
    def header(self) -> dict[str, str]:
        return {"Authorization": f"Api-Key {self.raw}"}


def issue_key(
    client: Redis, *, scopes: str, name: str = "test", expires_at: float | None = None
) -> IssuedKey:
    """An active key in the api_keys read model, as the projection writes it."""
    raw = secrets.token_urlsafe(24)
    key_hash = hashlib.sha256(raw.encode()).hexdigest()
    client.hset(
        redis_key(projection="api_keys", suffix=key_hash),
        mapping={
            "name": name,
            "scopes": scopes,
            "active": "1",
            "expires_at": "" if expires_at is None else f"{expires_at:.3f}",
            "version": 1,
        },
    )
    return IssuedKey(raw=raw, key_hash=key_hash)


def revoke_key(client: Redis, *, key: IssuedKey) -> None:
    client.hset(
        redis_key(projection="api_keys", suffix=key.key_hash),
        mapping={"active": "0", "version": 2},
    )


def clear_namespace(*, opensearch: OpenSearch, redis: Redis) -> None:
    """Remove every index and key of this test namespace."""
    namespace = naming.namespace()
    opensearch.indices.delete(index=f"{namespace}-*", ignore_unavailable=True)
    keys = list(redis.scan_iter(match=f"{namespace}:*", count=1000))
    if keys:
        redis.delete(*keys)
