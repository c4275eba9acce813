"""Poison events are parked with their error; their aggregate waits, the rest flows."""

import dataclasses

import pytest
from django.core.management import call_command
from django.urls import reverse

from commands.handlers.category import category_create
from commands.handlers.product import product_create, product_update
from commands.outbox import shard_of
from config import connections
from projections import naming, registry
from projections.lifecycle import generations
from projections.models import DeadLetter, DeadLetterStatus
from projections.products.fold import build_product_document
from projections.products.schema import MAPPINGS, SETTINGS
from tests.projections.draining import drain, search_documents

pytestmark = pytest.mark.usefixtures("engine_db")


def _refuse_poison(row):
    if row.product["name"] == "Poison":
        raise ValueError("cannot fold a product called Poison")
    return build_product_document(row)


@pytest.fixture
def poisoned_fold(monkeypatch):
    """The products fold has a bug that any product named "Poison" triggers."""
    spec = registry.get("products")
    monkeypatch.setitem(
        registry._specs(), "products", dataclasses.replace(spec, build=_refuse_poison)
    )


def _product(*, sku: str, name: str, category: int) -> int:
    product = product_create(sku=sku, name=name, category_id=category, price="5.00")
    return product.pk


def _segment(product_id: int) -> int:
    segments = generations.ensure_live_generation("products").segments
    return shard_of(aggregate_type="product", aggregate_id=product_id) % segments


def _neighbour(*, of: int, category: int) -> int:
    """A new product whose events land in the same segment as product `of`."""
    for n in range(256):
        candidate = _product(sku=f"H-{n}", name=f"Hammer {n}", category=category)
        if _segment(candidate) == _segment(of):
            return candidate
    raise AssertionError(f"no product shares a segment with product {of}")


def _letters(aggregate_id: int) -> list[DeadLetter]:
    return list(
        DeadLetter.objects.filter(
            projection="products",
            aggregate_type="product",
            aggregate_id=str(aggregate_id),
        ).order_by("txid", "position")
    )


@pytest.mark.usefixtures("poisoned_fold")
def test_poison_event_parks_its_aggregate_and_nothing_else():
    category = category_create(name="Tools").pk
    poison = _product(sku="P-1", name="Poison", category=category)
    healthy = _neighbour(of=poison, category=category)
    drain(names=["products"])

    product_update(product_id=poison, name="Fixed")
    product_update(product_id=healthy, name="Big hammer")
    drain(names=["products"])

    assert _segment(healthy) == _segment(poison)
    letters = _letters(poison)
    assert [letter.event_type for letter in letters] == [
        "ProductCreated",
        "ProductUpdated",
    ]
    assert "cannot fold a product called Poison" in letters[0].error
    assert "ValueError" in letters[0].traceback
    assert letters[1].blocked_by_id == letters[0].pk
    documents = search_documents("products")
    assert str(poison) not in documents
    assert documents[str(healthy)][1]["name"] == "Big hammer"


@pytest.mark.usefixtures("poisoned_fold")
def test_replay_dead_letters_applies_parked_events_in_order_and_resolves_them():
    category = category_create(name="Tools").pk
    poison = _product(sku="P-1", name="Poison", category=category)
    drain(names=["products"])
    product_update(product_id=poison, name="Fixed")
    drain(names=["products"])

    call_command("replay_dead_letters", "--projection", "products", verbosity=0)

    assert {letter.status for letter in _letters(poison)} == {DeadLetterStatus.RESOLVED}
    assert search_documents("products")[str(poison)][1]["name"] == "Fixed"


def test_document_opensearch_rejects_is_parked_with_the_mapping_error():
    """The live index is created with `sku` mapped as a number, so a letter SKU
    is a 400 mapper_parsing_exception for that document only."""
    mappings = {
        **MAPPINGS,
        "properties": {**MAPPINGS["properties"], "sku": {"type": "long"}},
    }
    connections.opensearch().indices.create(
        index=naming.index_name(projection="products", generation="1"),
        body={
            "settings": dict(SETTINGS),
            "mappings": mappings,
            "aliases": {naming.alias("products"): {}},
        },
    )
    category = category_create(name="Tools").pk
    rejected = _product(sku="ABC", name="Saw", category=category)
    accepted = _product(sku="123", name="Drill", category=category)

    drain(names=["products"])

    letters = _letters(rejected)
    assert [letter.event_type for letter in letters] == ["ProductCreated"]
    assert "mapper_parsing_exception" in letters[0].error
    assert str(accepted) in search_documents("products")
    product_update(product_id=rejected, sku="456")
    call_command("replay_dead_letters", verbosity=0)
    assert search_documents("products")[str(rejected)][1]["sku"] == "456"


@pytest.mark.usefixtures("poisoned_fold")
def test_admin_retry_action_resolves_selected_dead_letters(admin_client):
    category = category_create(name="Tools").pk
    poison = _product(sku="P-1", name="Poison", category=category)
    drain(names=["products"])
    product_update(product_id=poison, name="Fixed")
    letters = DeadLetter.objects.filter(projection="products")

    response = admin_client.post(
        reverse("admin:projections_deadletter_changelist"),
        {
            "action": "retry",
            "_selected_action": list(letters.values_list("pk", flat=True)),
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "resolved" in response.content.decode()
    assert set(letters.values_list("status", flat=True)) == {DeadLetterStatus.RESOLVED}
    assert search_documents("products")[str(poison)][1]["name"] == "Fixed"
