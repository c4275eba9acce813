"""verify_projection finds every kind of drift, counts it right, and --repair fixes it."""

import io
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from opensearchpy.exceptions import ConflictError

from commands.handlers.apikey import apikey_issue
from commands.handlers.customer import customer_register
from commands.handlers.order import order_pay, order_place
from commands.handlers.product import product_update
from commands.models import Product, StockItem
from config import connections
from projections import naming, registry
from projections.rebuilds.rebuild import RebuildOptions, rebuild_projection
from projections.stock import schema as stock_schema
from projections.verification.repair import explicit_gc_deletes
from projections.verification.verify import verify_projection
from readapi.queries.generations import read_hash
from tests.processes import poll_until
from tests.projections.draining import drain
from tests.projections.rebuild.activity import Projector
from tests.projections.rebuild.seeding import make_catalog

GHOST = 999_999


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("verify_projection", *args, stdout=out)
    return out.getvalue()


def force_document(*, index: str, doc_id: int, version: int, source: dict) -> None:
    """Put a document at any version, even a lower one, as a careless hand would."""
    client = connections.opensearch()
    client.indices.put_settings(index=index, body={"index": {"gc_deletes": "0s"}})
    client.delete(index=index, id=str(doc_id))

    def written() -> bool:
        client.indices.refresh(index=index)  # forgets the delete's version
        try:
            client.index(
                index=index,
                id=str(doc_id),
                body=source,
                version=version,
                version_type="external",
            )
        except ConflictError:
            return False
        return True

    poll_until(written, timeout=10, interval=0.2)
    client.indices.put_settings(index=index, body={"index": {"gc_deletes": None}})


def test_verify_products_counts_each_kind_of_drift_and_repair_fixes_it(catalog):
    client = connections.opensearch()
    index = naming.index_name(projection="products", generation="1")
    gone, stale, tampered = catalog.product_ids[:3]
    client.delete(index=index, id=str(gone))
    old = client.get(index=index, id=str(stale))
    force_document(
        index=index,
        doc_id=stale,
        version=old["_version"] - 1,
        source={**old["_source"], "price": "1.00"},
    )
    current = client.get(index=index, id=str(tampered))
    client.index(
        index=index,
        id=str(tampered),
        body={**current["_source"], "name": "Tampered"},
        version=current["_version"],
        version_type="external_gte",
    )
    client.index(
        index=index,
        id=str(GHOST),
        body={"id": GHOST, "sku": "GHOST", "deleted": False},
        version=1,
        version_type="external",
    )
    out = io.StringIO()

    with pytest.raises(CommandError, match="products has drifted"):
        call_command("verify_projection", "products", stdout=out)
    repaired = verify("products", "--repair")
    clean = verify("products")

    found = out.getvalue()
    assert (
        "checked 120 rows: 1 missing, 1 extra, 1 stale, 1 differing, 0 ahead" in found
    )
    assert f"missing: {gone}" in found
    assert f"extra: {GHOST}" in found
    assert "Repaired 4 drifted entries." in repaired
    assert "no drift" in clean
    alias = naming.alias("products")
    assert client.get(index=alias, id=str(tampered))["_source"]["name"] == (
        Product.objects.get(pk=tampered).name
    )
    assert client.exists(index=alias, id=str(gone))
    assert not client.exists(index=alias, id=str(GHOST))


def test_verify_stock_counts_each_kind_of_drift_and_repair_fixes_it(catalog):
    client = connections.redis_client()

    def key(product_id: int) -> str:
        return stock_schema.key(generation="1", product_id=product_id)

    gone, stale, tampered, ahead = catalog.product_ids[:4]
    client.delete(key(gone))
    client.hset(key(stale), mapping={"version": "1", "on_hand": "5", "available": "5"})
    client.hset(key(tampered), "on_hand", "999")
    client.hset(key(ahead), mapping={"version": "77", "on_hand": "77"})
    client.hset(key(GHOST), mapping={"version": "1", "on_hand": "1"})
    out = io.StringIO()

    with pytest.raises(CommandError, match="stock has drifted"):
        call_command("verify_projection", "stock", stdout=out)
    repaired = verify("stock", "--repair")
    clean = verify("stock")

    assert "checked 120 rows: 1 missing, 1 extra, 1 stale, 1 differing, 1 ahead" in (
        out.getvalue()
    )
    assert f"ahead: {ahead}" in out.getvalue()
    assert "Repaired 5 drifted entries." in repaired
    assert "no drift" in clean
    assert read_hash(projection="stock", suffix=str(ahead))["version"] == str(
        StockItem.objects.get(pk=ahead).version
    )
    stock = StockItem.objects.get(pk=tampered)
    assert read_hash(projection="stock", suffix=str(tampered))["on_hand"] == str(
        stock.on_hand
    )
    assert not client.exists(key(GHOST))


def test_verify_products_reports_a_document_ahead_and_repair_gives_it_the_content(
    catalog,
):
    client = connections.opensearch()
    alias = naming.alias("products")
    ahead = catalog.product_ids[0]
    current = client.get(index=alias, id=str(ahead))
    client.index(
        index=naming.index_name(projection="products", generation="1"),
        id=str(ahead),
        body={**current["_source"], "name": "From the future"},
        version=current["_version"] + 10,
        version_type="external",
    )
    out = io.StringIO()

    with pytest.raises(CommandError, match="products has drifted"):
        call_command("verify_projection", "products", stdout=out)
    repaired = verify("products", "--repair")

    assert "0 stale, 0 differing, 1 ahead" in out.getvalue()
    assert f"ahead: {ahead}" in out.getvalue()
    assert "OpenSearch cannot lower their version" in repaired
    assert client.get(index=alias, id=str(ahead))["_source"]["name"] == (
        Product.objects.get(pk=ahead).name
    )


def test_verify_repair_restores_a_hand_deleted_document_at_default_index_settings(
    catalog,
):
    client = connections.opensearch()
    index = naming.index_name(projection="products", generation="1")
    gone = catalog.product_ids[5]
    defaults_before = explicit_gc_deletes(index)
    client.delete(index=index, id=str(gone))

    repaired = verify("products", "--repair")
    clean = verify("products")

    assert defaults_before is None
    assert "Repaired 1 drifted entries." in repaired
    assert "no drift" in clean
    assert client.exists(index=index, id=str(gone))
    assert explicit_gc_deletes(index) is None


def test_verify_sample_checks_only_that_many_rows(catalog):
    report = verify_projection(projection="products", sample=15)

    assert (report.sampled, report.checked, report.drifted) == (True, 15, 0)


def test_verify_does_not_report_changes_the_projector_is_still_applying(catalog):
    for pk in catalog.product_ids[:10]:
        product_update(product_id=pk, name=f"Renamed {pk}")
    stop = threading.Event()
    projector = Projector(stop=stop, projection="products")
    projector.start()
    try:
        report = verify_projection(projection="products")
    finally:
        stop.set()
        projector.join(timeout=30)

    assert projector.errors == []
    assert (report.checked, report.drifted, report.unsettled) == (120, 0, False)


@pytest.mark.usefixtures("engine_db")
def test_every_projection_verifies_clean_when_projected_and_when_rebuilt():
    catalog = make_catalog(products=12)
    customer = customer_register(email="ada@example.com", name="Ada").pk
    lines = [{"product_id": pk, "quantity": 2} for pk in catalog.product_ids[:3]]
    order_pay(order_id=order_place(customer_id=customer, lines=lines).pk)
    apikey_issue(name="reader", scopes=["catalog:read"])
    drain()

    projected = {name: verify_projection(projection=name) for name in registry.names()}
    for name in registry.names():
        rebuild_projection(projection=name, options=RebuildOptions(batch_size=5))
    rebuilt = {name: verify_projection(projection=name) for name in registry.names()}

    clean = dict.fromkeys(registry.names(), (0, "1"))
    assert {n: (r.drifted, r.generation) for n, r in projected.items()} == clean
    assert {n: (r.drifted, r.generation) for n, r in rebuilt.items()} == {
        name: (0, "2") for name in registry.names()
    }
    assert rebuilt["top_products"].checked == 12
    assert rebuilt["orders"].checked == rebuilt["customer_summary"].checked == 1
    assert rebuilt["api_keys"].checked == 1
