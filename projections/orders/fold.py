"""Pure fold of the `orders` search document from loaded write-model state."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from projections.products.fold import iso, money
from projections.writes import DocumentWrite


@dataclass(frozen=True)
class OrderRow:
    order: Mapping[str, Any]
    lines: Sequence[Mapping[str, Any]]
    customer: Mapping[str, Any]


def composite_version(row: OrderRow) -> int:
    """order version + customer stamp: grows exactly when what the document shows
    does (a customer's stats changes leave the stamp alone)."""
    return int(row.order["version"]) + int(row.customer["stamp"])


def build_order_document(row: OrderRow) -> DocumentWrite:
    order, customer = row.order, row.customer
    document = {
        "id": int(order["id"]),
        "customer_id": int(order["customer_id"]),
        "customer_name": customer["name"],
        "customer_email": customer["email"],
        "status": order["status"],
        "currency": order["currency"],
        "total": money(order["total"]),
        "lines": [_line(line) for line in row.lines],
        "line_count": len(row.lines),
        "placed_at": iso(order["placed_at"]),
        "paid_at": iso(order["paid_at"]),
        "shipped_at": iso(order["shipped_at"]),
        "cancelled_at": iso(order["cancelled_at"]),
        "versions": {
            "order": int(order["version"]),
            "customer": int(customer["stamp"]),
        },
    }
    return DocumentWrite(
        doc_id=str(order["id"]), version=composite_version(row), document=document
    )


def _line(line: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "product_id": int(line["product_id"]),
        "sku": line["sku"],
        "name": line["name"],
        "quantity": int(line["quantity"]),
        "unit_price": money(line["unit_price"]),
        "line_total": money(line["line_total"]),
    }
