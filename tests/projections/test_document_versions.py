"""Document versions grow exactly when one of the document's inputs changes.

Each test changes the write model, projects, and checks which documents were
rewritten (their `_seq_no` moved), that their versions grew, and that
verify_projection then finds no drift.
"""

import threading

import pytest
from django.db import connection, transaction

from commands.handlers.category import category_create, category_move, category_rename
from commands.handlers.customer import customer_register, customer_update
from commands.handlers.order import order_pay, order_place
from commands.handlers.product import product_create, product_delete, product_update
from commands.handlers.stock import stock_adjust
from commands.outbox import ReadPosition, read_batch
from projections import registry
from projections.lifecycle import generations
from projections.running.batches import apply_events
from projections.verification.verify import verify_projection
from tests.projections.draining import drain, search_documents
from tests.projections.rewrites import rewritten, seq_nos

pytestmark = pytest.mark.usefixtures("engine_db")


def _product(*, n: int, category_id: int) -> int:
    return product_create(
        sku=f"P-{n}",
        name=f"Product {n}",
        category_id=category_id,
        price="10.00",
        status="active",
        initial_stock=5,
    ).pk


def _tree() -> dict[str, int]:
    """root > deep > deeper (3 products) and other (2 products)."""
    root = category_create(name="Root").pk
    deep = category_create(name="Deep", parent_id=root).pk
    deeper = category_create(name="Deeper", parent_id=deep).pk
    other = category_create(name="Other").pk
    ids = {"root": root, "deep": deep, "deeper": deeper, "other": other}
    for n in range(3):
        ids[f"below{n}"] = _product(n=n, category_id=deeper)
    for n in range(3, 5):
        ids[f"beside{n}"] = _product(n=n, category_id=other)
    drain(names=["products"])
    return ids


def _versions(ids: list[int]) -> dict[str, int]:
    documents = search_documents("products")
    return {str(pk): documents[str(pk)][0] for pk in ids}


def _drift(projection: str = "products") -> int:
    return verify_projection(projection=projection, settle_timeout=0).drifted


def test_products_new_leaf_category_rewrites_no_document_and_shows_no_drift():
    ids = _tree()
    before = seq_nos("products")

    category_create(name="Leaf", parent_id=ids["deeper"])
    drain(names=["products"])

    assert rewritten(before=before, after=seq_nos("products")) == set()
    assert _drift() == 0


def test_products_category_rename_rewrites_exactly_the_products_below_it():
    ids = _tree()
    below = [ids[f"below{n}"] for n in range(3)]
    old, before = _versions(below), seq_nos("products")

    category_rename(category_id=ids["deep"], name="Renamed")
    drain(names=["products"])

    new = _versions(below)
    assert rewritten(before=before, after=seq_nos("products")) == set(map(str, below))
    assert all(new[key] > old[key] for key in old)
    assert _drift() == 0


def test_products_subtree_moved_to_a_shallower_place_grows_every_version_below():
    ids = _tree()
    below = [ids[f"below{n}"] for n in range(3)]
    category_rename(category_id=ids["root"], name="Heavy")  # a big stamp to lose
    category_rename(category_id=ids["root"], name="Heavier")
    drain(names=["products"])
    old, before = _versions(below), seq_nos("products")

    category_move(category_id=ids["deeper"], parent_id=None)
    drain(names=["products"])

    new = _versions(below)
    assert rewritten(before=before, after=seq_nos("products")) == set(map(str, below))
    assert all(new[key] > old[key] for key in old)
    assert search_documents("products")[str(below[0])][1]["category_path"] == ["deeper"]
    assert _drift() == 0


def test_products_product_moved_to_a_shallower_category_grows_its_version():
    ids = _tree()
    moved = ids["below0"]
    old, before = _versions([moved]), seq_nos("products")

    product_update(product_id=moved, category_id=ids["other"])
    drain(names=["products"])

    assert rewritten(before=before, after=seq_nos("products")) == {str(moved)}
    assert _versions([moved])[str(moved)] > old[str(moved)]
    assert _drift() == 0


def test_products_tombstone_outranks_the_live_document_and_ignores_renames():
    ids = _tree()
    gone = ids["below0"]
    old = _versions([gone])

    product_delete(product_id=gone)
    drain(names=["products"])
    tombstone, before = _versions([gone]), seq_nos("products")
    category_rename(category_id=ids["deep"], name="Renamed")
    drain(names=["products"])

    assert tombstone[str(gone)] > old[str(gone)]
    assert str(gone) not in rewritten(before=before, after=seq_nos("products"))
    assert search_documents("products")[str(gone)][1]["deleted"] is True
    assert _drift() == 0


def test_products_stock_change_rewrites_only_its_product():
    ids = _tree()
    before = seq_nos("products")

    stock_adjust(product_id=ids["beside3"], delta=2, reason="count")
    drain(names=["products"])

    assert rewritten(before=before, after=seq_nos("products")) == {str(ids["beside3"])}
    assert _drift() == 0


def test_orders_customer_stats_change_leaves_other_orders_current():
    ids = _tree()
    ada = customer_register(email="ada@example.com", name="Ada").pk
    first = order_place(
        customer_id=ada, lines=[{"product_id": ids["below0"], "quantity": 1}]
    ).pk
    drain(names=["orders"])
    before = seq_nos("orders")

    # Both change Ada's stats (orders count, lifetime value), not what orders show.
    order_pay(
        order_id=order_place(
            customer_id=ada, lines=[{"product_id": ids["below1"], "quantity": 1}]
        ).pk
    )
    drain(names=["orders"])

    assert str(first) not in rewritten(before=before, after=seq_nos("orders"))
    assert _drift("orders") == 0


def test_orders_customer_rename_grows_the_version_of_each_of_their_orders():
    ids = _tree()
    ada = customer_register(email="ada@example.com", name="Ada").pk
    order = order_place(
        customer_id=ada, lines=[{"product_id": ids["below0"], "quantity": 1}]
    ).pk
    drain(names=["orders"])
    old = search_documents("orders")[str(order)][0]

    customer_update(customer_id=ada, name="Ada Lovelace")
    drain(names=["orders"])

    assert search_documents("orders")[str(order)][0] > old
    assert _drift("orders") == 0


def test_products_version_grows_whatever_order_concurrent_changes_commit_in():
    """A rename stamps first and commits last; a price change below it commits
    in between and is projected (a redelivery loads that middle state). The
    rename's commit must still give the document a larger version."""
    ids = _tree()
    product = ids["below0"]
    stamped, projected = threading.Event(), threading.Event()
    errors: list[str] = []

    def rename() -> None:
        try:
            with transaction.atomic():
                category_rename(category_id=ids["deep"], name="Renamed")
                stamped.set()
                projected.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001 - reported by the assertions
            errors.append(repr(exc))
        finally:
            connection.close()

    renamer = threading.Thread(target=rename)
    renamer.start()
    stamped.wait(timeout=30)
    product_update(product_id=product, price="12.34")
    _redeliver_product_events(product)
    middle = _versions([product])[str(product)]
    projected.set()
    renamer.join(timeout=30)
    drain(names=["products"])

    document = search_documents("products")[str(product)]
    assert errors == []
    assert document[0] > middle
    assert document[1]["category_names"][1] == "Renamed"
    assert _drift() == 0


def _committed_events() -> list:
    """Every committed event in the outbox, in reading order."""
    events, position = [], ReadPosition()
    while True:
        batch = read_batch(position=position, limit=10_000)
        events.extend(batch.events)
        position = batch.next
        if batch.complete:
            return events


def _redeliver_product_events(product: int) -> None:
    """Apply the product's committed events now, as a late redelivery would."""
    spec = registry.get("products")
    live = generations.live_generation("products")
    store = generations.store_for(spec=spec, generation=live.generation)
    events = [
        event
        for event in _committed_events()
        if (event.aggregate_type, str(event.aggregate_id)) == ("product", str(product))
    ]
    assert apply_events(spec=spec, store=store, events=events) == []
