"""Steady traffic against a running stack: writes through the HTTP write API (the
ledger of what was acknowledged) and reads through the read API (every answer
classified)."""

import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.chaos.background import Background
from tests.chaos.stack import PrivateStack
from tests.processes import http_call


@dataclass
class Ledger:
    """The highest acknowledged version of each aggregate a write touched."""

    products: dict[int, int] = field(default_factory=dict)
    stock: dict[int, int] = field(default_factory=dict)
    orders: dict[int, int] = field(default_factory=dict)
    customers: dict[int, int] = field(default_factory=dict)
    acknowledged: int = 0
    refused: Counter = field(default_factory=Counter)

    def record(self, kind: str, pk: int, version: int) -> None:
        book = getattr(self, kind)
        book[pk] = max(version, book.get(pk, 0))
        self.acknowledged += 1


class WriteLoad(Background):
    """Product price edits, stock deliveries and orders, one at a time, until stopped."""

    def __init__(
        self, stack: PrivateStack, *, products: list[int], customers: list[int]
    ) -> None:
        self.stack, self.products = stack, products
        self.customers = list(customers)  # grows with the customers it registers
        self.ledger = Ledger()
        self.rng = random.Random(7)
        self.serial = 0
        super().__init__()

    def step(self) -> None:
        self.rng.choice((self._edit_price, self._deliver, self._order))()

    def _edit_price(self) -> None:
        pk = self.rng.choice(self.products)
        price = f"{self.rng.randint(100, 9999) / 100:.2f}"
        self._write("products", pk, "PATCH", f"/api/products/{pk}", {"price": price})

    def _deliver(self) -> None:
        pk = self.rng.choice(self.products)
        body = {"delta": self.rng.randint(1, 5), "reason": "chaos delivery"}
        self._write("stock", pk, "POST", f"/api/stock/{pk}/adjust", body)

    def _order(self) -> None:
        """An order, half the time by a customer who has ordered before: their
        earlier order documents must stay current (exact versions, issue 10)."""
        customer = self._customer()
        if customer is None:
            return
        lines = [
            {"product": pk, "quantity": 1}
            for pk in self.rng.sample(self.products, k=self.rng.randint(1, 2))
        ]
        body = {"customer": customer, "lines": lines}
        self._write("orders", None, "POST", "/api/orders", body)

    def _customer(self) -> int | None:
        """A customer seen before (seeded or registered by this load), or a new one."""
        if self.rng.random() < 0.5:
            return self.rng.choice(self.customers)
        self.serial += 1
        email = f"chaos-{self.serial}-{self.rng.random():.9f}@example.com"
        customer = self._write(
            "customers", None, "POST", "/api/customers", {"email": email, "name": "C"}
        )
        if customer is not None:
            self.customers.append(customer)
        return customer

    def _write(
        self, kind: str, pk: int | None, method: str, path: str, body: dict
    ) -> int | None:
        """Send one write; on success record it and return the aggregate's id."""
        try:
            status, headers, text = http_call(
                method,
                self.stack.url("write", path),
                headers={"Authorization": f"Token {self.stack.staff_token}"},
                body=body,
                timeout=10,
            )
        except OSError as exc:  # refused, reset, timed out: not acknowledged
            self.ledger.refused[type(exc).__name__] += 1
            return
        if status not in (200, 201):
            self.ledger.refused[str(status)] += 1
            return
        version = int(headers["ETag"].strip('"'))
        self.ledger.record(
            kind, pk if pk is not None else json.loads(text)["id"], version
        )


@dataclass
class ReadLog:
    """Every read answer, classified; `violations` must stay empty."""

    answers: Counter = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)


class ReadProbe(Background):
    """Reads every read model through the read API, steadily, until stopped."""

    def __init__(
        self, stack: PrivateStack, *, products: list[int], customers: list[int]
    ) -> None:
        self.stack = stack
        self.paths = [
            ("/v1/products?page_size=5", True),
            (f"/v1/products/{products[0]}", False),
            ("/v1/orders?page_size=5", True),
            (f"/v1/stock/{products[0]}", False),
            ("/v1/leaderboards/top-products?page_size=5", True),
            (f"/v1/customers/{customers[0]}/summary", False),
        ]
        self.log = ReadLog()
        super().__init__()

    def step(self) -> None:
        for path, is_list in self.paths:
            self._read(path, is_list=is_list)

    def all_well(self) -> bool:
        """One round over every path, each answered 200 and without a problem."""
        before = (self.log.answers["200"], len(self.log.violations))
        for path, is_list in self.paths:
            self._read(path, is_list=is_list)
        after = (self.log.answers["200"], len(self.log.violations))
        return after == (before[0] + len(self.paths), before[1])

    def _read(self, path: str, *, is_list: bool) -> None:
        try:
            status, _, text = http_call(
                "GET",
                self.stack.url("read", path),
                headers={"Authorization": f"Api-Key {self.stack.api_key}"},
                timeout=10,
            )
        except OSError:  # the read web process itself is down: nothing answered
            self.log.answers["no answer"] += 1
            return
        self.log.answers[str(status)] += 1
        problem = _problem(status, text, is_list=is_list)
        if problem:
            self.log.violations.append(f"{time.strftime('%X')} {path}: {problem}")


def _problem(status: int, text: str, *, is_list: bool) -> str:
    """What is wrong with one read answer ('' when nothing is)."""
    if status >= 500 and status != 503:
        return f"{status} {text[:200]}"
    if status in (401, 403):
        return f"{status}: a valid key was refused"
    if status == 200 and is_list and json.loads(text).get("results") == []:
        return "an empty 200"
    return ""
