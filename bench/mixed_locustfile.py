"""Locust users of bench/mixed_load_bench.py: readers over every read endpoint,
writers over product edits, stock adjustments and orders through the write API.

Run by mixed_load_bench.py, not alone: it writes the plan (URLs, keys, token,
ids to pick from) to the JSON file MIXED_BENCH_PLAN names, and reads back every
request's timing from the file MIXED_BENCH_SAMPLES names, written when Locust
quits. Percentiles are computed from those raw timings, not from Locust's
rounded histogram.

    MIXED_BENCH_PLAN=plan.json MIXED_BENCH_SAMPLES=out.json .venv/bin/locust \
        -f bench/mixed_locustfile.py --headless -u 26 -r 26 -t 30s Reader Writer
"""

import itertools
import json
import os
import random
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from locust import FastHttpUser, between, constant_throughput, events, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["MIXED_BENCH_PLAN"]).read_text())
SAMPLES: list[tuple[float, str, str, float, str]] = []
PRODUCT_ORDERINGS = ("price", "-price", "name", "-name", "created_at", "-created_at")
ORDER_ORDERINGS = ("-placed_at", "placed_at", "-total", "total")
ORDER_STATUSES = ("placed", "paid", "shipped", "cancelled")


@events.request.add_listener
def record(*, request_type, name, response_time, exception, **_: Any) -> None:
    """Every request: when it ended, its name, milliseconds and error ('' if none)."""
    error = "" if exception is None else str(exception)[:300]
    SAMPLES.append((time.time(), request_type, name, response_time, error))


@events.quitting.add_listener
def dump(**_: Any) -> None:
    Path(os.environ["MIXED_BENCH_SAMPLES"]).write_text(json.dumps(SAMPLES))


class Reader(FastHttpUser):
    """A read-API consumer with its own key, thinking `reader_wait` s on average."""

    host = PLAN["read_url"]
    fixed_count = PLAN["readers"]
    wait_time = between(PLAN["reader_wait"] * 0.5, PLAN["reader_wait"] * 1.5)
    _keys = itertools.cycle(PLAN["reader_keys"])

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Api-Key {next(Reader._keys)}"}
        self.rng = random.Random()

    # ------------------------------------------------------------ products

    @task(4)
    def product_list(self) -> None:
        self.read("/v1/products", self.product_filters(), name="/v1/products")

    @task(2)
    def product_walk(self) -> None:
        params = {"ordering": self.rng.choice(PRODUCT_ORDERINGS), "page_size": 20}
        self.walk("/v1/products", params | self.product_filters(sort=False))

    @task(4)
    def product_search(self) -> None:
        params = {"search": self.rng.choice(PLAN["search_terms"])}
        if self.rng.random() < 0.3:
            params["highlight"] = "true"
        self.read("/v1/products", params, name="/v1/products?search")

    @task(2)
    def product_facets(self) -> None:
        params = self.product_filters(sort=False)
        if self.rng.random() < 0.5:
            params["search"] = self.rng.choice(PLAN["search_terms"])
        self.read("/v1/products/facets", params, name="/v1/products/facets")

    @task(3)
    def product_suggest(self) -> None:
        params = {"q": self.rng.choice(PLAN["prefixes"])}
        self.read("/v1/products/suggest", params, name="/v1/products/suggest")

    @task(4)
    def product_detail(self) -> None:
        pk = self.rng.choice(PLAN["products"])
        self.read(f"/v1/products/{pk}", name="/v1/products/{id}")

    @task(3)
    def stock_detail(self) -> None:
        pk = self.rng.choice(PLAN["products"])
        self.read(f"/v1/stock/{pk}", name="/v1/stock/{id}")

    @task(2)
    def leaderboard_walk(self) -> None:
        self.walk("/v1/leaderboards/top-products", {"page_size": 10})

    # ------------------------------------------------------------ orders

    @task(2)
    def order_list(self) -> None:
        self.read("/v1/orders", self.order_filters(), name="/v1/orders")

    @task(1)
    def order_walk(self) -> None:
        params = {"ordering": self.rng.choice(ORDER_ORDERINGS), "page_size": 20}
        if self.rng.random() < 0.5:
            params["status"] = self.rng.choice(ORDER_STATUSES)
        self.walk("/v1/orders", params)

    @task(2)
    def order_detail(self) -> None:
        pk = self.rng.choice(PLAN["orders"])
        self.read(f"/v1/orders/{pk}", name="/v1/orders/{id}")

    @task(2)
    def customer_summary(self) -> None:
        pk = self.rng.choice(PLAN["customers"])
        self.read(f"/v1/customers/{pk}/summary", name="/v1/customers/{id}/summary")

    # ------------------------------------------------------------ documents

    @task(1)
    def schema(self) -> None:
        self.read("/v1/schema", name="/v1/schema", parse=False)

    @task(1)
    def docs(self) -> None:
        self.read("/v1/docs", name="/v1/docs", parse=False)

    # ------------------------------------------------------------ helpers

    def product_filters(self, *, sort: bool = True) -> dict[str, Any]:
        """One to three of the list filters, at random."""
        rng, params = self.rng, {}
        if sort:
            params["ordering"] = rng.choice(PRODUCT_ORDERINGS)
        if rng.random() < 0.5:
            params["category"] = rng.choice(PLAN["categories"])
        if rng.random() < 0.3:
            low = rng.randint(0, 200)
            params |= {"min_price": low, "max_price": low + rng.randint(10, 300)}
        if rng.random() < 0.3:
            params["in_stock"] = "true"
        if rng.random() < 0.2:
            params["status"] = "active"
        return params

    def order_filters(self) -> dict[str, Any]:
        rng = self.rng
        params: dict[str, Any] = {"ordering": rng.choice(ORDER_ORDERINGS)}
        if rng.random() < 0.5:
            params["customer"] = rng.choice(PLAN["customers"])
        if rng.random() < 0.3:
            params["status"] = rng.choice(ORDER_STATUSES)
        if rng.random() < 0.3:
            first, last = PLAN["placed_range"]
            moment = first + rng.random() * (last - first)
            params["placed_after"] = datetime.fromtimestamp(moment, UTC).isoformat()
        return params

    def walk(self, path: str, params: dict[str, Any]) -> None:
        """Page 1, then follow `next` for up to `walk_pages` - 1 more pages."""
        body = self.read(path, params, name=path)
        for _ in range(PLAN["walk_pages"] - 1):
            if not body or not body.get("next"):
                return
            body = self.read(body["next"], name=f"{path} (next)")

    def read(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        *,
        name: str,
        parse: bool = True,
    ) -> dict[str, Any] | None:
        """GET; anything but a 200 (with a JSON body when `parse`) is a failure."""
        url = f"{path}?{urlencode(params)}" if params else path
        with self.client.get(
            url, headers=self.headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            if not parse:
                return None
            try:
                body = response.json()
            except ValueError:
                response.failure(f"not JSON: {response.text[:200]}")
                return None
            return body


class Writer(FastHttpUser):
    """A staff client paced at its share of `write_rate` writes/s."""

    host = PLAN["write_url"]
    fixed_count = PLAN["writers"]
    wait_time = constant_throughput(PLAN["write_rate"] / max(1, PLAN["writers"]))

    def on_start(self) -> None:
        self.headers = {
            "Authorization": f"Token {PLAN['staff_token']}",
            "Content-Type": "application/json",
        }
        self.rng = random.Random()

    @task
    def write(self) -> None:
        self.rng.choice((self.edit_product, self.adjust_stock, self.place_order))()

    def edit_product(self) -> None:
        pk = self.rng.choice(PLAN["write_products"])
        body = {"price": f"{self.rng.randint(100, 49_999) / 100:.2f}"}
        self.send("PATCH", f"/api/products/{pk}", body, name="/api/products/{id}")

    def adjust_stock(self) -> None:
        pk = self.rng.choice(PLAN["write_products"])
        body = {"delta": self.rng.randint(1, 5), "reason": "mixed bench delivery"}
        path = f"/api/stock/{pk}/adjust"
        self.send("POST", path, body, name="/api/stock/{id}/adjust")

    def place_order(self) -> None:
        products = self.rng.sample(PLAN["write_products"], k=self.rng.randint(1, 3))
        body = {
            "customer": self.rng.choice(PLAN["customers"]),
            "lines": [{"product": pk, "quantity": 1} for pk in products],
        }
        self.send("POST", "/api/orders", body, name="/api/orders")

    def send(self, method: str, path: str, body: dict, *, name: str) -> None:
        """One write, with an Idempotency-Key on POSTs as clients should send it."""
        headers = dict(self.headers)
        if method == "POST":
            headers["Idempotency-Key"] = str(uuid.uuid4())
        with self.client.request(
            method,
            path,
            data=json.dumps(body),
            headers=headers,
            name=name,
            catch_response=True,
        ) as response:
            if response.status_code not in (200, 201):
                response.failure(f"{response.status_code}: {response.text[:200]}")
