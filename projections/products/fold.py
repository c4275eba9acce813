"""Pure fold of the `products` search document from loaded write-model state."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from projections.writes import DocumentWrite


@dataclass(frozen=True)
class CategoryNode:
    id: int
    name: str
    slug: str
    parent_id: int | None
    stamp: int = 1


@dataclass(frozen=True)
class CatalogTreeView:
    """The whole category tree in one snapshot."""

    categories: Mapping[int, CategoryNode]
    _paths: dict[int | None, list[CategoryNode]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def path(self, category_id: int | None) -> list[CategoryNode]:
        """Categories from the root down to `category_id` (cycle-safe)."""
        if category_id not in self._paths:
            self._paths[category_id] = self._walk(category_id)
        return self._paths[category_id]

    def path_stamp(self, category_id: int | None) -> int:
        """What the path adds to a product document's version: its stamps' sum."""
        return sum(node.stamp for node in self.path(category_id))

    def _walk(self, category_id: int | None) -> list[CategoryNode]:
        path: list[CategoryNode] = []
        seen: set[int] = set()
        node = self.categories.get(category_id) if category_id is not None else None
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node)
            parent = node.parent_id
            node = self.categories.get(parent) if parent is not None else None
        return path[::-1]


@dataclass(frozen=True)
class ProductRow:
    """Everything one product document is built from."""

    product: Mapping[str, Any]
    stock: Mapping[str, Any] | None
    tree: CatalogTreeView


def version_parts(row: ProductRow) -> dict[str, int]:
    """The document's inputs' shares of its version (README "Document versions").

    Product stamp, stock version and the stamps of the categories on the path
    (`tree`); a tombstone shows no path, so its version leaves the path out.
    """
    product = row.product
    return {
        "product": int(product["stamp"]),
        "stock": int(row.stock["version"]) if row.stock else 0,
        "tree": 0
        if product["deleted"]
        else row.tree.path_stamp(product["category_id"]),
    }


def composite_version(row: ProductRow) -> int:
    """Grows exactly when one of the document's inputs changes."""
    return sum(version_parts(row).values())


def build_product_document(row: ProductRow) -> DocumentWrite:
    """The search document (or the tombstone of a deleted product) for `row`."""
    product = row.product
    versions = version_parts(row)
    if product["deleted"]:
        document = _tombstone(product, versions=versions)
    else:
        document = _document(row, versions=versions)
    return DocumentWrite(
        doc_id=str(product["id"]), version=sum(versions.values()), document=document
    )


def _document(row: ProductRow, *, versions: dict[str, int]) -> dict[str, Any]:
    product, stock = row.product, row.stock or {}
    path = row.tree.path(product["category_id"])
    available = int(stock.get("on_hand", 0)) - int(stock.get("reserved", 0))
    return {
        "id": int(product["id"]),
        "sku": product["sku"],
        "name": product["name"],
        "description": product["description"],
        "category_id": product["category_id"],
        "category_slug": path[-1].slug if path else None,
        "category_path": [node.slug for node in path],
        "category_names": [node.name for node in path],
        "price": money(product["price"]),
        "currency": product["currency"],
        "status": product["status"],
        "available": available,
        "in_stock": available > 0,
        "units_sold": int(stock.get("units_sold", 0)),
        "attributes": product["attributes"] or {},
        "created_at": iso(product["created_at"]),
        "updated_at": iso(product["updated_at"]),
        "deleted": False,
        "versions": versions,
    }


def _tombstone(
    product: Mapping[str, Any], *, versions: dict[str, int]
) -> dict[str, Any]:
    """Kept as a document (not deleted) so no late stale write can resurrect it."""
    return {
        "id": int(product["id"]),
        "sku": product["sku"],
        "deleted": True,
        "updated_at": iso(product["updated_at"]),
        "versions": versions,
    }


def money(value: Decimal | str | float | int) -> str:
    """A decimal as the contract's string with two places ("12.50")."""
    return f"{Decimal(str(value)):.2f}"


def iso(value: datetime | str | None) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    return value
