"""Zero-downtime rebuilds: readers never see a gap, the result verifies clean."""

import io
import threading

import pytest
from django.core.management import call_command

from commands.handlers.apikey import apikey_issue
from commands.handlers.product import product_update
from commands.models import StockItem
from config import connections
from projections import naming
from projections.models import GenerationState, ProjectionGeneration
from projections.rebuilds.models import RebuildRun, RebuildState
from projections.rebuilds.rebuild import RebuildOptions, rebuild_projection
from projections.rebuilds.reporting import NoBar, ProgressBar, Reporter
from projections.rebuilds.rollback import rollback_projection
from projections.verification.verify import verify_projection
from readapi.queries.generations import read_hash
from tests.processes import poll_until, start_web
from tests.projections.draining import drain
from tests.projections.rebuild.activity import Projector, Reader, Writer
from tests.projections.rebuild.reading import alias_targets, index_exists, pointer


def states(projection: str) -> dict[str, str]:
    return dict(
        ProjectionGeneration.objects.filter(projection=projection).values_list(
            "generation", "state"
        )
    )


@pytest.fixture
def read_api(catalog, project_env, process_log_dir):
    """A read-role server and the header of a catalogue key it accepts."""
    _, raw = apikey_issue(name="rebuild reader", scopes=["catalog:read"])
    drain(names=["api_keys"])
    process, url = start_web(role="read", env=project_env, log_dir=process_log_dir)
    yield url, {"Authorization": f"Api-Key {raw}"}
    process.stop()


def test_rebuild_products_under_writes_never_shows_readers_a_gap(catalog, read_api):
    stop = threading.Event()
    writer = Writer(stop=stop, product_ids=catalog.product_ids)
    projector = Projector(stop=stop, projection="products")
    url, headers = read_api
    reader = Reader(
        stop=stop, product_ids=catalog.product_ids, base_url=url, headers=headers
    )
    for thread in (writer, projector, reader):
        thread.start()
    try:
        poll_until(lambda: reader.reads >= 5 and writer.changes >= 5, timeout=30)
        rebuild_projection(
            projection="products",
            options=RebuildOptions(batch_size=20, max_rate=60),
        )
        after_swap = reader.reads
        poll_until(lambda: reader.reads >= after_swap + 10, timeout=30)
    finally:
        stop.set()
        for thread in (writer, projector, reader):
            thread.join(timeout=30)

    assert writer.errors == projector.errors == reader.errors == []
    assert writer.changes > 5
    assert reader.gaps == []
    old, new = (naming.index_name(projection="products", generation=g) for g in "12")
    assert reader.served_by == {old, new}
    drain(names=["products"])
    report = verify_projection(projection="products")
    assert (report.checked, report.drifted) == (len(catalog.product_ids), 0)
    assert states("products") == {
        "1": GenerationState.RETIRED,
        "2": GenerationState.LIVE,
    }
    assert alias_targets("products") == {new}


def test_rebuild_with_keep_zero_deletes_every_retired_generation(catalog):
    rebuild_projection(projection="products", options=RebuildOptions())
    out = io.StringIO()

    call_command("rebuild_projection", "products", "--keep", "0", stdout=out)

    assert states("products") == {"3": GenerationState.LIVE}
    assert not index_exists(projection="products", generation="1")
    assert not index_exists(projection="products", generation="2")
    assert alias_targets("products") == {
        naming.index_name(projection="products", generation="3")
    }
    assert "Rebuilt products: generation 3 is live (120 rows" in out.getvalue()


def test_rebuild_stock_moves_the_redis_pointer_and_verifies_clean(catalog):
    product = catalog.product_ids[0]

    rebuild_projection(projection="stock", options=RebuildOptions(batch_size=50))

    assert pointer("stock") == "2"
    assert states("stock") == {"1": GenerationState.RETIRED, "2": GenerationState.LIVE}
    stock = StockItem.objects.get(pk=product)
    assert read_hash(projection="stock", suffix=str(product)) == {
        "on_hand": "8",
        "reserved": "0",
        "available": "8",
        "units_sold": "0",
        "version": str(stock.version),
    }
    report = verify_projection(projection="stock")
    assert (report.checked, report.drifted) == (len(catalog.product_ids), 0)


def test_rebuild_dry_run_says_what_it_would_do_and_changes_nothing(catalog):
    out = io.StringIO()

    call_command(
        "rebuild_projection", "products", "--dry-run", "--batch-size", "50", stdout=out
    )

    said = out.getvalue()
    assert "build generation 2" in said
    assert "120 rows in 3 batch(es) of 50" in said
    assert "Nothing was changed" in said
    assert states("products") == {"1": GenerationState.LIVE}
    assert not RebuildRun.objects.exists()
    assert not index_exists(projection="products", generation="2")
    assert alias_targets("products") == {
        naming.index_name(projection="products", generation="1")
    }


def test_rollback_returns_to_the_retired_generation_caught_up(catalog):
    rebuild_projection(projection="products", options=RebuildOptions())
    changed = catalog.product_ids[3]
    product_update(product_id=changed, name="Renamed after the rebuild")

    run = rollback_projection(projection="products")

    document = connections.opensearch().get(index=naming.alias("products"), id=changed)
    assert document["_source"]["name"] == "Renamed after the rebuild"
    assert run.state == RebuildState.SUCCEEDED
    assert states("products") == {
        "1": GenerationState.LIVE,
        "2": GenerationState.RETIRED,
    }
    assert alias_targets("products") == {
        naming.index_name(projection="products", generation="1")
    }
    assert verify_projection(projection="products").drifted == 0


@pytest.mark.usefixtures("catalog")
def test_rollback_without_a_retired_generation_is_refused():
    with pytest.raises(Exception, match="no retired generation left to roll back to"):
        call_command("rollback_projection", "products")


class Interrupt(Exception):
    pass


class InterruptingReporter(Reporter):
    """Stops the rebuild after its first written chunk, as a crash would."""

    def bar(self, *, total: int, done: int, unit: str) -> ProgressBar:
        return InterruptingBar()


class InterruptingBar(NoBar):
    def update(self, n: int) -> None:
        raise Interrupt("stopped halfway")


def test_rebuild_without_resume_discards_the_interrupted_generation(catalog):
    with pytest.raises(Interrupt):
        rebuild_projection(
            projection="products",
            options=RebuildOptions(batch_size=20),
            reporter=InterruptingReporter(),
        )
    out = io.StringIO()

    call_command("rebuild_projection", "products", stdout=out)

    assert "The interrupted build of generation 2 is discarded" in out.getvalue()
    assert states("products") == {
        "1": GenerationState.RETIRED,
        "3": GenerationState.LIVE,
    }
    assert not index_exists(projection="products", generation="2")
    assert RebuildRun.objects.get(generation="2").state == RebuildState.ABANDONED
    assert rollback_projection(projection="products").generation == "1"
