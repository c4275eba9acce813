"""`outbox_append` writes the contract's columns in the writer's transaction, and
NOTIFY reaches listeners only when that transaction commits."""

import uuid
import zlib

import pytest
from django.db import transaction

from commands.correlation import correlation_scope
from commands.errors import OutboxMisuse
from commands.events import UnknownEventType
from commands.handlers.product import product_create
from commands.models import OutboxEvent, Product
from commands.outbox import NOTIFY_CHANNEL, current_txid, outbox_append


def append(**overrides) -> None:
    fields = {
        "aggregate_type": "product",
        "aggregate_id": 42,
        "version": 3,
        "event_type": "ProductUpdated",
        "payload": {"id": 42, "price": "9.50"},
    }
    outbox_append(**{**fields, **overrides})


@pytest.mark.django_db
def test_outbox_append_writes_the_contract_columns():
    with correlation_scope("req-123"):
        append()
    txid = current_txid()

    event = OutboxEvent.objects.get()

    assert event.txid == txid
    assert isinstance(event.event_id, uuid.UUID)
    assert (event.aggregate_type, event.aggregate_id) == ("product", "42")
    assert event.aggregate_version == 3
    assert event.shard == zlib.crc32(b"product:42") % 256
    assert event.event_type == "ProductUpdated"
    assert event.schema_version == 1
    assert event.payload == {"id": 42, "price": "9.50"}
    assert event.correlation_id == "req-123"


@pytest.mark.django_db
def test_outbox_append_generates_a_correlation_id_outside_a_request():
    append()

    assert len(OutboxEvent.objects.get().correlation_id) == 32


@pytest.mark.django_db
def test_outbox_append_refuses_an_unregistered_event_type():
    with pytest.raises(UnknownEventType):
        append(event_type="ProductTeleported")


@pytest.mark.django_db
def test_outbox_append_refuses_an_event_filed_under_another_aggregate():
    with pytest.raises(UnknownEventType):
        append(aggregate_type="order")


@pytest.mark.django_db(transaction=True)
def test_outbox_append_refuses_to_run_outside_a_transaction():
    with pytest.raises(OutboxMisuse):
        append()

    assert OutboxEvent.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_outbox_notify_reaches_listeners_on_commit_only(raw_connection):
    raw_connection.autocommit = True
    raw_connection.execute(f"LISTEN {NOTIFY_CHANNEL}")

    with transaction.atomic():
        append()
        before_commit = list(raw_connection.notifies(timeout=0.2, stop_after=1))
    after_commit = list(raw_connection.notifies(timeout=10, stop_after=1))

    assert before_commit == []
    assert [n.channel for n in after_commit] == [NOTIFY_CHANNEL]


@pytest.mark.django_db(transaction=True)
def test_outbox_notify_is_not_sent_for_a_rolled_back_append(raw_connection):
    raw_connection.autocommit = True
    raw_connection.execute(f"LISTEN {NOTIFY_CHANNEL}")

    with pytest.raises(RuntimeError), transaction.atomic():
        append()
        raise RuntimeError("the writer fails before commit")

    assert list(raw_connection.notifies(timeout=0.3, stop_after=1)) == []


@pytest.mark.django_db(transaction=True)
def test_failure_after_the_outbox_insert_leaves_neither_row_nor_event(category):
    with pytest.raises(RuntimeError), transaction.atomic():
        product_create(sku="LOST", name="Lost", category_id=category.pk, price="1.00")
        raise RuntimeError("the caller fails after the handler appended its events")

    assert not Product.objects.filter(sku="LOST").exists()
    assert not OutboxEvent.objects.filter(aggregate_type="product").exists()


@pytest.mark.django_db(transaction=True)
def test_failure_in_a_nested_savepoint_drops_only_its_rows_and_events(category):
    with transaction.atomic():
        kept = product_create(
            sku="KEPT", name="Kept", category_id=category.pk, price="1.00"
        )
        with pytest.raises(RuntimeError), transaction.atomic():
            product_create(
                sku="LOST", name="Lost", category_id=category.pk, price="1.00"
            )
            raise RuntimeError("fails inside the savepoint")

    products = set(Product.objects.values_list("sku", flat=True))
    product_events = set(
        OutboxEvent.objects.filter(aggregate_type="product").values_list(
            "aggregate_id", flat=True
        )
    )
    assert products == {"KEPT"}
    assert product_events == {str(kept.pk)}
