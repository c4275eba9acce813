"""Keyset walks: every match exactly once, in order, while other documents change."""

import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from projections import naming
from readapi.cursors import decode_cursor, query_fingerprint
from readapi.products.views import ProductListView
from tests.readapi import seeding

PRODUCT_ORDERINGS = {
    "price": lambda d: (Decimal(d["price"]), d["id"]),
    "name": lambda d: (d["name"].lower(), d["id"]),
    "created_at": lambda d: (d["created_at"], d["id"]),
}


class NoiseWriter:
    """Keeps writing products outside the walked category until stopped.

    Each write carries the walked words, so relevance statistics shift under
    the walk; each is refreshed at once, so the walk sees it.
    """

    def __init__(self, client) -> None:
        self.client = client
        self.stop = threading.Event()
        self.writes = 0
        self.errors: list[Exception] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self._write_until_stopped()
        except Exception as exc:  # noqa: BLE001 - reported by __exit__ in the test
            self.errors.append(exc)

    def _write_until_stopped(self) -> None:
        while not self.stop.is_set():
            product_id = 10_000 + self.writes % 40
            document = seeding.product_document(
                product_id=product_id,
                category="noise",
                description=" ".join(["chair steel red"] * (1 + self.writes % 3)),
                price=str(self.writes % 50),
            )
            seeding.write_product(
                self.client, document=document, version=time.time_ns()
            )
            self.writes += 1

    def __enter__(self) -> "NoiseWriter":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join(timeout=30)
        assert not self.errors, self.errors


@pytest.fixture
def noise(stores, catalog) -> Iterator[NoiseWriter]:
    opensearch, _ = stores
    with NoiseWriter(opensearch) as writer:
        yield writer
    ids = [
        {"delete": {"_index": naming.alias("products"), "_id": str(10_000 + i)}}
        for i in range(40)
    ]
    opensearch.bulk(body=ids, refresh="true")


def walked_ids(pages: list[dict]) -> list[int]:
    return [row["id"] for page in pages for row in page["results"]]


def home(document: dict) -> bool:
    return "home" in document["category_path"]


@pytest.mark.parametrize(
    "ordering", [*PRODUCT_ORDERINGS, *(f"-{o}" for o in PRODUCT_ORDERINGS)]
)
def test_product_walk_returns_every_match_once_in_order(api, catalog, noise, ordering):
    params = {"category": "home", "ordering": ordering, "page_size": 7}

    found = walked_ids(api.walk("/v1/products", params=params))

    key = PRODUCT_ORDERINGS[ordering.lstrip("-")]
    expected = sorted(catalog.live(home), key=key, reverse=ordering.startswith("-"))
    assert found == [d["id"] for d in expected]
    assert noise.writes > 0


def test_product_walk_by_relevance_returns_every_match_once(api, catalog, noise):
    params = {
        "category": "home",
        "search": "chair",
        "ordering": "relevance",
        "page_size": 7,
    }

    found = walked_ids(api.walk("/v1/products", params=params))

    text = lambda d: f"{d['name']} {d['description']}".lower()  # noqa: E731
    expected = {d["id"] for d in catalog.live(lambda d: home(d) and "chair" in text(d))}
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert noise.writes > 0


def test_product_walk_by_relevance_with_a_typo_returns_every_match_once(
    api, catalog, noise
):
    params = {
        "category": "home",
        "search": "chiar",
        "ordering": "relevance",
        "page_size": 7,
    }

    found = walked_ids(api.walk("/v1/products", params=params))

    text = lambda d: f"{d['name']} {d['description']}".lower()  # noqa: E731
    chair = lambda d: "chair" in text(d) or "chairs" in d["category_path"]  # noqa: E731
    expected = {d["id"] for d in catalog.live(lambda d: home(d) and chair(d))}
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert noise.writes > 0


@pytest.mark.parametrize("ordering", ["price", "-name", "relevance"])
def test_product_walk_back_through_previous_retraces_the_pages(
    api, catalog, noise, ordering
):
    params = {"category": "home", "search": "red", "ordering": ordering, "page_size": 6}
    forward = api.walk("/v1/products", params=params)

    backward = api.walk(forward[-1]["previous"], params={}, link="previous")

    assert [walked_ids([page]) for page in reversed(backward)] == [
        walked_ids([page]) for page in forward[:-1]
    ]


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("-placed_at", lambda d: (d["placed_at"], d["id"])),
        ("placed_at", lambda d: (d["placed_at"], d["id"])),
        ("-total", lambda d: (Decimal(d["total"]), d["id"])),
        ("total", lambda d: (Decimal(d["total"]), d["id"])),
    ],
)
def test_order_walk_returns_every_match_once_in_order(api, catalog, ordering, key):
    pages = api.walk("/v1/orders", params={"ordering": ordering, "page_size": 8})

    expected = sorted(
        catalog.orders.values(), key=key, reverse=ordering.startswith("-")
    )
    assert walked_ids(pages) == [d["id"] for d in expected]


def test_leaderboard_walk_returns_every_member_once_while_others_join(
    api, catalog, stores
):
    _, redis = stores
    board = seeding.redis_key(projection="top_products", suffix="board")
    pages = [api.get("/v1/leaderboards/top-products", params={"page_size": 4}).json()]
    while pages[-1]["next"]:
        # Newcomers outsell everyone: an offset-based page would now repeat rows.
        redis.zadd(board, {f"9{len(pages):03d}": 1000.0})
        pages.append(api.get(pages[-1]["next"]).json())
    redis.zrem(board, *[f"9{i:03d}" for i in range(1, len(pages))])

    found = [
        (row["product_id"], row["units_sold"])
        for page in pages
        for row in page["results"]
    ]
    expected = sorted(
        catalog.board.items(), key=lambda item: (item[1], item[0]), reverse=True
    )
    assert found == [(int(member), int(score)) for member, score in expected]


def test_leaderboard_walk_back_through_previous_retraces_the_pages(api, catalog):
    forward = api.walk("/v1/leaderboards/top-products", params={"page_size": 7})

    backward = api.walk(forward[-1]["previous"], params={}, link="previous")

    members = lambda page: [row["product_id"] for row in page["results"]]  # noqa: E731
    assert [members(page) for page in reversed(backward)] == [
        members(page) for page in forward[:-1]
    ]
    assert forward[0]["results"][0]["rank"] == 1


def test_relevance_cursor_whose_snapshot_expired_is_a_400(api, catalog, stores):
    opensearch, _ = stores
    params = {"search": "chair", "ordering": "relevance", "page_size": 5}
    next_link = api.get("/v1/products", params=params).json()["next"]
    token = parse_qs(urlsplit(next_link).query)["cursor"][0]
    cursor = decode_cursor(
        token=token,
        salt=ProductListView.cursor_salt,
        fingerprint=query_fingerprint({"search": "chair", "ordering": "relevance"}),
    )
    opensearch.delete_pit(body={"pit_id": [cursor.pit_id]})

    response = api.get(next_link)

    assert response.status_code == 400
    assert "expired" in response.json()["error"]["fields"]["cursor"][0]
