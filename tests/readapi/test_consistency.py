"""Read-your-writes: X-Consistency-Token waits (bounded) for the projections."""

import threading
import time

import pytest

from projections import naming
from tests.readapi import seeding
from tests.readapi.conftest import CONSISTENCY_WAIT

WAIT = float(CONSISTENCY_WAIT)


@pytest.fixture
def watermarks(stores, catalog):
    """Set watermarks for a test; restored to the seeded value afterwards."""
    _, redis = stores

    def set_watermark(projection: str, value: int | str) -> None:
        redis.set(naming.watermark_key(projection), value)

    yield set_watermark
    for projection in (
        "products",
        "orders",
        "stock",
        "top_products",
        "customer_summary",
    ):
        set_watermark(projection, 1000)


def test_read_with_a_passed_token_is_fresh_at_once(api, watermarks):
    started = time.monotonic()

    response = api.get("/v1/products/1", headers={"X-Consistency-Token": "999"})

    assert response.status_code == 200
    assert response.headers["X-Consistency"] == "fresh"
    assert "X-Consistency-Lag" not in response.headers
    assert time.monotonic() - started < WAIT / 2


def test_read_with_a_token_ahead_is_stale_after_the_wait_bound(api, watermarks):
    started = time.monotonic()

    response = api.get("/v1/products", headers={"X-Consistency-Token": "1500"})

    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.headers["X-Consistency"] == "stale"
    assert response.headers["X-Consistency-Lag"] == "501"
    assert WAIT <= elapsed < WAIT + 1.0


def test_read_turns_fresh_as_soon_as_the_watermark_passes(api, watermarks):
    # Plays the projector: publishes a watermark past the token mid-wait.
    projector = threading.Timer(WAIT / 4, watermarks, args=("orders", 2001))
    started = time.monotonic()
    projector.start()

    response = api.get("/v1/orders", headers={"X-Consistency-Token": "2000"})

    projector.join()
    assert response.headers["X-Consistency"] == "fresh"
    assert time.monotonic() - started < WAIT


def test_read_waits_only_for_the_projections_it_reads(api, watermarks):
    watermarks("products", 10)
    watermarks("stock", 5000)

    response = api.get("/v1/stock/1", headers={"X-Consistency-Token": "4000"})

    assert response.headers["X-Consistency"] == "fresh"


def test_read_with_a_token_the_watermark_snapshot_sees_is_fresh(api, watermarks):
    # A checkpoint taken while txid 1500 was still running sees 1501 and 1599:
    # a long transaction holds back only its own token.
    watermarks("products", "1400:1600:1400,1500")

    response = api.get("/v1/products/1", headers={"X-Consistency-Token": "1599"})

    assert response.headers["X-Consistency"] == "fresh"


def test_read_with_the_token_of_a_transaction_still_running_for_the_watermark_is_stale(
    api, watermarks
):
    watermarks("products", "1400:1600:1400,1500")

    response = api.get("/v1/products/1", headers={"X-Consistency-Token": "1500"})

    assert response.headers["X-Consistency"] == "stale"
    assert response.headers["X-Consistency-Lag"] == "1"


def test_read_without_a_token_carries_no_consistency_headers(api, catalog):
    response = api.get("/v1/products/1")

    assert "X-Consistency" not in response.headers


@pytest.mark.parametrize("token", ["abc", "-1", "1.5", "", "1" * 21, "0x10"])
def test_read_with_a_malformed_token_is_400_naming_the_header(api, catalog, token):
    response = api.get("/v1/products", headers={"X-Consistency-Token": token})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["X-Consistency-Token"]


@pytest.fixture
def unrefreshed_product(stores, catalog):
    """A product written while periodic refreshes are off: acknowledged, but
    invisible to searches until something refreshes the index."""
    opensearch, _ = stores
    alias = naming.alias("products")
    opensearch.indices.put_settings(
        index=alias, body={"index": {"refresh_interval": "-1"}}
    )
    document = seeding.product_document(
        product_id=900, category="chairs", name="Quokka reading lamp"
    )
    opensearch.index(
        index=alias,
        id="900",
        body=document,
        version=sum(document["versions"].values()),
        version_type="external",
    )
    yield document
    opensearch.delete(index=alias, id="900", refresh="true")
    opensearch.indices.put_settings(
        index=alias, body={"index": {"refresh_interval": None}}
    )


def test_read_with_a_passed_token_finds_a_write_not_yet_refreshed(
    api, watermarks, unrefreshed_product
):
    watermarks("products", 2000)

    response = api.get(
        "/v1/products?search=quokka", headers={"X-Consistency-Token": "1999"}
    )

    assert response.status_code == 200
    assert response.headers["X-Consistency"] == "fresh"
    assert [row["id"] for row in response.json()["results"]] == [900]
