"""Management commands run the handlers too: issue_api_key, seed_demo, prune_outbox."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from commands.models import ApiKey, Category, Customer, Order, OutboxEvent, Product
from projections.models import SegmentCheckpoint
from projections.visibility import TxSnapshot

pytestmark = pytest.mark.django_db

SMALL = {"categories": 12, "products": 40, "customers": 8, "orders": 40, "seed": 7}


def run(*args, **options) -> str:
    out = StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_issue_api_key_prints_a_key_whose_hash_is_stored(outbox):
    output = run("issue_api_key", name="partner", scopes="catalog:read,orders:read")

    raw_key = output.strip().splitlines()[-1]
    apikey = ApiKey.objects.get(key_hash=hashlib.sha256(raw_key.encode()).hexdigest())
    assert apikey.scopes == ["catalog:read", "orders:read"]
    assert outbox.new_types() == ["ApiKeyIssued"]


def test_issue_api_key_with_a_bad_scope_is_a_command_error(outbox):
    with pytest.raises(CommandError, match="unknown scope"):
        run("issue_api_key", name="partner", scopes="catalog:write")

    assert outbox.new() == []


def test_issue_api_key_with_an_expiry_stores_it_and_refuses_one_in_the_past(outbox):
    before = timezone.now()
    output = run(
        "issue_api_key", name="trial", scopes="catalog:read", expires_in_days=2
    )

    raw_key = output.strip().splitlines()[-1]
    apikey = ApiKey.objects.get(key_hash=hashlib.sha256(raw_key.encode()).hexdigest())
    assert (
        before + timedelta(days=2)
        <= apikey.expires_at
        <= timezone.now() + timedelta(days=2)
    )
    with pytest.raises(CommandError, match="expires_at"):
        run("issue_api_key", name="late", scopes="catalog:read", expires_in_days=-1)
    assert outbox.new_types() == ["ApiKeyIssued"]


def test_seed_demo_creates_everything_through_the_handlers():
    output = run("seed_demo", **SMALL)

    assert Product.objects.count() == 40
    assert OutboxEvent.objects.filter(event_type="ProductCreated").count() == 40
    assert OutboxEvent.objects.filter(event_type="OrderPlaced").count() == 40
    assert set(Order.objects.values_list("status", flat=True)) == {
        "placed",
        "paid",
        "shipped",
        "cancelled",
    }
    assert "Read API key" in output and "staff token" in output


def test_seed_demo_refuses_default_credentials_outside_demo_settings(settings):
    settings.ALLOW_DEMO_CREDENTIALS = False

    with pytest.raises(CommandError, match="createsuperuser") as refused:
        run("seed_demo", **SMALL)

    assert "'demo'" in str(refused.value)
    assert not ApiKey.objects.exists()
    assert not Product.objects.exists()


def test_seed_demo_builds_a_three_level_category_tree():
    run("seed_demo", **SMALL)

    leaf = Category.objects.filter(children__isnull=True, parent__isnull=False).first()
    assert leaf.parent.parent is not None
    assert leaf.parent.parent.parent is None


def test_seed_demo_is_idempotent():
    run("seed_demo", **SMALL)
    counts = (
        Category.objects.count(),
        Product.objects.count(),
        Customer.objects.count(),
    )
    events = OutboxEvent.objects.exclude(aggregate_type="apikey").count()

    output = run("seed_demo", **SMALL)

    assert (
        Category.objects.count(),
        Product.objects.count(),
        Customer.objects.count(),
    ) == counts
    assert OutboxEvent.objects.exclude(aggregate_type="apikey").count() == events
    assert "Created 0 categories, 0 products, 0 customers, 0 orders" in output


def test_seed_demo_prints_a_working_read_api_key():
    output = run("seed_demo", **SMALL)

    line = next(line for line in output.splitlines() if "Read API key" in line)
    raw_key = line.rsplit(" ", 1)[1]
    apikey = ApiKey.objects.get(key_hash=hashlib.sha256(raw_key.encode()).hexdigest())
    assert apikey.active and apikey.scopes == ["catalog:read", "orders:read"]


def test_prune_outbox_refuses_without_checkpoints(product):
    before = OutboxEvent.objects.count()

    with pytest.raises(CommandError, match="no projection checkpoints"):
        run("prune_outbox", keep_days=0)

    assert OutboxEvent.objects.count() == before


def checkpoint(*, segment: int, at: OutboxEvent, running: int | None = None) -> None:
    """A checkpoint that has applied `at`'s transaction and every earlier one,
    except `running` (still open when the checkpoint was taken)."""
    xip = frozenset() if running is None else frozenset({running})
    snapshot = TxSnapshot(xmin=min(xip, default=at.txid + 1), xmax=at.txid + 1, xip=xip)
    SegmentCheckpoint.objects.create(
        projection="products",
        generation="g1",
        segment=segment,
        checkpoint_snapshot=str(snapshot),
    )


@pytest.mark.django_db(transaction=True)
def test_prune_outbox_deletes_only_what_every_checkpoint_has_passed(make_product):
    for _ in range(3):
        make_product()
    events = list(OutboxEvent.objects.order_by("position"))
    checkpoint(segment=0, at=events[4])
    checkpoint(segment=1, at=events[2])

    output = run("prune_outbox", keep_days=0)

    assert "Deleted 3 outbox events" in output
    assert list(OutboxEvent.objects.order_by("position")) == events[3:]


@pytest.mark.django_db(transaction=True)
def test_prune_outbox_keeps_the_events_of_a_transaction_a_checkpoint_waits_for(
    make_product,
):
    for _ in range(3):
        make_product()
    events = list(OutboxEvent.objects.order_by("position"))
    checkpoint(segment=0, at=events[-1], running=events[0].txid)

    run("prune_outbox", keep_days=0)

    assert list(OutboxEvent.objects.order_by("position")) == [
        e for e in events if e.txid == events[0].txid
    ]


@pytest.mark.django_db(transaction=True)
def test_prune_outbox_dry_run_deletes_nothing(make_product):
    make_product()
    checkpoint(segment=0, at=OutboxEvent.objects.order_by("position").last())

    output = run("prune_outbox", keep_days=0, dry_run=True)

    assert "3 outbox events" in output
    assert OutboxEvent.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_prune_outbox_keeps_recent_events(make_product):
    make_product()
    checkpoint(segment=0, at=OutboxEvent.objects.order_by("position").last())

    run("prune_outbox", keep_days=1)

    assert OutboxEvent.objects.count() == 3
