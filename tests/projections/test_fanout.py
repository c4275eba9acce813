"""Denormalised documents follow the aggregates they copy from."""

import pytest

from commands.handlers.category import category_create, category_move, category_rename
from commands.handlers.customer import customer_register, customer_update
from commands.handlers.order import order_place
from commands.handlers.product import product_create
from commands.outbox import ReadPosition, read_batch
from projections import registry
from tests.projections.draining import drain, search_documents

pytestmark = pytest.mark.usefixtures("engine_db")


def _catalogue() -> tuple[int, int, list[int]]:
    root = category_create(name="Outdoor")
    leaf = category_create(name="Tents", parent_id=root.pk)
    products = [
        product_create(
            sku=f"TENT-{n}",
            name=f"Tent {n}",
            category_id=leaf.pk,
            price="99.00",
            status="active",
            initial_stock=10,
        ).pk
        for n in range(12)
    ]
    return root.pk, leaf.pk, products


def test_products_category_rename_reprojects_every_product_in_subtree():
    root, _, products = _catalogue()
    drain(names=["products"])

    category_rename(category_id=root, name="Camping", slug="camping")
    drain(names=["products"])

    documents = search_documents("products")
    assert {documents[str(pk)][1]["category_path"][0] for pk in products} == {"camping"}
    assert {documents[str(pk)][1]["category_names"][0] for pk in products} == {
        "Camping"
    }


def test_products_category_created_keys_no_product_when_replayed_after_them():
    """A backlog replayed late: the products now under the new category are
    written through their own events, not once more through its creation."""
    root, leaf, products = _catalogue()
    replayed = read_batch(position=ReadPosition(), limit=1000).events
    created = [e for e in replayed if e.event_type == "CategoryCreated"]
    spec = registry.get("products")

    assert {e.aggregate_id for e in created} == {str(root), str(leaf)}
    assert [list(spec.keys_for(e)) for e in created] == [[], []]
    drain(names=["products"])
    documents = search_documents("products")
    assert {tuple(documents[str(pk)][1]["category_path"]) for pk in products} == {
        ("outdoor", "tents")
    }


def test_products_category_move_changes_path_of_products_below():
    _, leaf, products = _catalogue()
    other = category_create(name="Garden")
    drain(names=["products"])

    category_move(category_id=leaf, parent_id=other.pk)
    drain(names=["products"])

    documents = search_documents("products")
    assert {tuple(documents[str(pk)][1]["category_path"]) for pk in products} == {
        ("garden", "tents")
    }


def test_orders_customer_rename_reprojects_every_order_of_the_customer():
    _, _, products = _catalogue()
    ada = customer_register(email="ada@example.com", name="Ada")
    bob = customer_register(email="bob@example.com", name="Bob")
    ada_orders = [
        order_place(customer_id=ada.pk, lines=[{"product_id": pk, "quantity": 1}]).pk
        for pk in products[:3]
    ]
    bob_order = order_place(
        customer_id=bob.pk, lines=[{"product_id": products[0], "quantity": 1}]
    ).pk
    drain(names=["orders"])

    customer_update(customer_id=ada.pk, name="Ada Lovelace")
    drain(names=["orders"])

    documents = search_documents("orders")
    assert {documents[str(pk)][1]["customer_name"] for pk in ada_orders} == {
        "Ada Lovelace"
    }
    assert documents[str(bob_order)][1]["customer_name"] == "Bob"
