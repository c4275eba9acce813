"""Pure folds: from loaded write-model state to documents and Redis writes."""

from datetime import UTC, datetime
from decimal import Decimal

from projections.api_keys.fold import build_api_key
from projections.customer_summary.fold import build_summary
from projections.orders.fold import OrderRow, build_order_document
from projections.products.fold import (
    CatalogTreeView,
    CategoryNode,
    ProductRow,
    build_product_document,
)
from projections.stock.fold import build_stock_hash
from projections.stores.opensearch_index import OK, RETRY, classify
from projections.top_products.fold import build_rank
from projections.writes import HashWrite, RankWrite

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
TREE = CatalogTreeView(
    categories={
        1: CategoryNode(id=1, name="Outdoor", slug="outdoor", parent_id=None, stamp=4),
        2: CategoryNode(id=2, name="Tents", slug="tents", parent_id=1, stamp=3),
        3: CategoryNode(id=3, name="Shoes", slug="shoes", parent_id=None, stamp=99),
    },
)


def _product(**changes):
    product = {
        "id": 42,
        "sku": "TENT-1",
        "name": "Dome tent",
        "description": "Sleeps two",
        "category_id": 2,
        "price": Decimal("129.5"),
        "currency": "EUR",
        "status": "active",
        "attributes": {"colour": "green"},
        "deleted": False,
        "created_at": NOW,
        "updated_at": NOW,
        "version": 3,
        "stamp": 3,
    }
    return {**product, **changes}


STOCK = {"product_id": 42, "on_hand": 10, "reserved": 4, "units_sold": 6, "version": 5}


def test_build_product_document_denormalises_category_path_and_availability():
    write = build_product_document(
        ProductRow(product=_product(), stock=STOCK, tree=TREE)
    )

    assert write.document["category_path"] == ["outdoor", "tents"]
    assert write.document["category_names"] == ["Outdoor", "Tents"]
    assert write.document["category_slug"] == "tents"
    assert (write.document["available"], write.document["in_stock"]) == (6, True)
    assert write.document["price"] == "129.50"
    assert write.document["created_at"] == "2026-01-02T03:04:05+00:00"


def test_build_product_document_version_is_product_stamp_stock_and_path_stamps():
    write = build_product_document(
        ProductRow(product=_product(), stock=STOCK, tree=TREE)
    )

    # Category 3 is off the product's path: its stamp does not count.
    assert write.version == 3 + 5 + (4 + 3)
    assert write.document["versions"] == {"product": 3, "stock": 5, "tree": 7}


def test_build_product_document_of_deleted_product_is_a_versioned_tombstone():
    row = ProductRow(product=_product(deleted=True, stamp=11), stock=STOCK, tree=TREE)

    write = build_product_document(row)

    assert write.document["deleted"] is True
    assert "name" not in write.document
    # A tombstone shows no path, so category changes must not move its version.
    assert write.version == 11 + 5


def test_build_product_document_without_stock_is_out_of_stock():
    write = build_product_document(
        ProductRow(product=_product(), stock=None, tree=TREE)
    )

    assert (write.document["available"], write.document["in_stock"]) == (0, False)
    assert write.version == 3 + 0 + 7


def test_catalog_tree_path_survives_a_cycle():
    tree = CatalogTreeView(
        categories={
            1: CategoryNode(id=1, name="A", slug="a", parent_id=2),
            2: CategoryNode(id=2, name="B", slug="b", parent_id=1),
        },
    )

    assert [node.slug for node in tree.path(1)] == ["b", "a"]


def test_build_order_document_copies_customer_and_sums_versions():
    row = OrderRow(
        order={
            "id": 9,
            "customer_id": 3,
            "status": "paid",
            "currency": "EUR",
            "total": Decimal("20"),
            "placed_at": NOW,
            "paid_at": NOW,
            "shipped_at": None,
            "cancelled_at": None,
            "version": 2,
        },
        lines=[
            {
                "product_id": 42,
                "sku": "TENT-1",
                "name": "Dome tent",
                "quantity": 2,
                "unit_price": Decimal("10"),
                "line_total": Decimal("20"),
            }
        ],
        customer={"name": "Ada", "email": "ada@example.com", "stamp": 5},
    )

    write = build_order_document(row)

    assert write.version == 7
    assert write.document["customer_name"] == "Ada"
    assert write.document["total"] == "20.00"
    assert write.document["line_count"] == 1
    assert write.document["lines"][0]["unit_price"] == "10.00"
    assert write.document["shipped_at"] is None


def test_build_stock_hash_derives_available():
    assert build_stock_hash(STOCK) == HashWrite(
        key="42",
        version=5,
        fields={"on_hand": "10", "reserved": "4", "available": "6", "units_sold": "6"},
    )


def test_build_rank_scores_units_sold_with_stock_plus_product_version():
    row = {
        "product_id": 42,
        "units_sold": 6,
        "version": 5,
        "product__version": 3,
        "product__deleted": False,
    }

    assert build_rank(row) == RankWrite(member="42", score=6.0, version=8, present=True)


def test_build_rank_removes_deleted_and_unsold_products():
    deleted = {
        "product_id": 1,
        "units_sold": 6,
        "version": 1,
        "product__version": 2,
        "product__deleted": True,
    }
    unsold = {**deleted, "units_sold": 0, "product__deleted": False}

    assert (build_rank(deleted).present, build_rank(unsold).present) == (False, False)


def test_build_summary_formats_lifetime_value():
    row = {"id": 3, "orders_count": 2, "lifetime_value": Decimal("12.5"), "version": 4}

    assert build_summary(row).fields == {"orders_count": "2", "lifetime_value": "12.50"}


def test_build_api_key_is_keyed_by_hash_with_comma_separated_scopes():
    row = {
        "id": 1,
        "name": "shop",
        "key_hash": "ab" * 32,
        "scopes": ["catalog:read", "orders:read"],
        "active": False,
        "version": 2,
    }

    assert build_api_key(row) == HashWrite(
        key="ab" * 32,
        version=2,
        fields={
            "name": "shop",
            "scopes": "catalog:read,orders:read",
            "active": "0",
            "expires_at": "",
        },
    )


def test_build_api_key_carries_the_expiry_as_unix_seconds():
    row = {
        "id": 1,
        "name": "rotated",
        "key_hash": "cd" * 32,
        "scopes": ["catalog:read"],
        "active": True,
        "expires_at": datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC),
        "version": 3,
    }

    assert build_api_key(row).fields["expires_at"] == "1893553445.000"


def test_classify_treats_version_conflict_as_done():
    assert classify({"status": 409, "error": {"type": "version_conflict"}}) == OK


def test_classify_retries_overload_outage_and_connection_errors():
    verdicts = {classify({"status": s, "error": "x"}) for s in (429, 503, "N/A")}

    assert verdicts == {RETRY}


def test_classify_rejects_mapping_errors_for_good():
    item = {"status": 400, "error": {"type": "mapper_parsing_exception", "reason": "x"}}

    assert classify(item) == "400 mapper_parsing_exception: x"
