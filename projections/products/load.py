"""Write-model I/O of the `products` projection: affected keys and current state."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from django.db import connection

from commands import events
from commands.models import Category, Product, StockItem
from projections.events import Event
from projections.products.fold import CatalogTreeView, CategoryNode, ProductRow

# One round trip per chunk, with the columns in the shape the document wants
# (ISO-8601 timestamps, decimal strings, JSON text): catching up a backlog is
# dominated by this query, and the ORM's per-row work tripled its cost.
PRODUCTS_SQL = f"""
SELECT p.id, p.sku, p.name, p.description, p.category_id, p.price::text,
       p.currency, p.status, p.attributes::text, p.deleted,
       to_json(p.created_at) #>> '{{}}', to_json(p.updated_at) #>> '{{}}',
       p.version, p.stamp, s.on_hand, s.reserved, s.units_sold, s.version
FROM {Product._meta.db_table} p
LEFT JOIN {StockItem._meta.db_table} s ON s.product_id = p.id
WHERE p.id = ANY(%s)
"""
PRODUCT_COLUMNS = (
    "id",
    "sku",
    "name",
    "description",
    "category_id",
    "price",
    "currency",
    "status",
    "attributes",
    "deleted",
    "created_at",
    "updated_at",
    "version",
    "stamp",
)
STOCK_COLUMNS = ("on_hand", "reserved", "units_sold", "version")


def keys_for(event: Event) -> Iterable[str]:
    """Product ids whose document the event changes.

    A category change re-projects every live product in the category's
    subtree: their path slugs and names are denormalised into the document.
    A created category changes none: no product could name it before its
    transaction committed, and every product placed under it since has an
    event of its own, later in the outbox. (Keying the products under it
    *now* made a backlog replay write every product of a new category twice.)
    """
    if event.aggregate_type in (events.PRODUCT, events.STOCK):
        return [str(event.aggregate_id)]
    if event.event_type == events.CATEGORY_CREATED:
        return []
    if event.aggregate_type == events.CATEGORY:
        return [str(pk) for pk in products_under(int(event.aggregate_id))]
    return []


def products_under(category_id: int) -> list[int]:
    subtree = _subtree(category_id)
    return list(
        Product.objects.filter(category_id__in=subtree, deleted=False)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _subtree(category_id: int) -> set[int]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Category.objects.values_list("id", "parent_id"):
        children[parent_id].append(pk)
    found, todo = set(), [category_id]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.add(pk)
            todo.extend(children[pk])
    return found


def load(keys: Sequence[str]) -> dict[str, ProductRow]:
    """Products, their stock and the category tree, in the caller's snapshot."""
    tree = load_tree()
    with connection.cursor() as cursor:
        cursor.execute(PRODUCTS_SQL, [[int(key) for key in keys]])
        rows = cursor.fetchall()
    return {str(row[0]): _row(row, tree=tree) for row in rows}


def _row(row: Sequence[Any], *, tree: CatalogTreeView) -> ProductRow:
    width = len(PRODUCT_COLUMNS)
    product = dict(zip(PRODUCT_COLUMNS, row[:width], strict=True))
    product["attributes"] = orjson.loads(product["attributes"])
    stock = dict(zip(STOCK_COLUMNS, row[width:], strict=True))
    return ProductRow(
        product=product,
        stock=stock if stock["version"] is not None else None,
        tree=tree,
    )


def load_tree() -> CatalogTreeView:
    nodes = {
        pk: CategoryNode(
            id=pk, name=name, slug=slug, parent_id=parent_id, stamp=int(stamp)
        )
        for pk, name, slug, parent_id, stamp in Category.objects.values_list(
            "id", "name", "slug", "parent_id", "stamp"
        )
    }
    return CatalogTreeView(categories=nodes)
