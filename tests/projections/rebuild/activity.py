"""Background activity during a rebuild: writers, projector runs, readers."""

import random
import threading

import requests
from django.db import connection

from commands.handlers.product import product_update
from commands.handlers.stock import stock_adjust
from projections.errors import LeaseLost
from projections.models import GenerationState, ProjectionGeneration
from projections.running import engine
from tests.projections.rebuild.reading import alias_targets

PAUSE = 0.01


class Activity(threading.Thread):
    """A loop run until `stop` is set; the thread's DB connection closed after."""

    def __init__(self, *, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.stop = stop
        self.rng = random.Random(7)
        self.errors: list[str] = []

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.step()
                self.stop.wait(PAUSE)
        except Exception as exc:  # noqa: BLE001 - reported by the test's assertions
            self.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def step(self) -> None:
        raise NotImplementedError


class Writer(Activity):
    """Changes prices and stock of existing products through the handlers."""

    def __init__(self, *, stop: threading.Event, product_ids: list[int]) -> None:
        super().__init__(stop=stop)
        self.product_ids = product_ids
        self.changes = 0

    def step(self) -> None:
        pk = self.rng.choice(self.product_ids)
        if self.rng.random() < 0.5:
            product_update(
                product_id=pk, price=f"{self.rng.randint(100, 9999) / 100:.2f}"
            )
        else:
            stock_adjust(product_id=pk, delta=1, reason="delivery")
        self.changes += 1


class Projector(Activity):
    """Runs every segment of every live or building generation, like the workers."""

    def __init__(self, *, stop: threading.Event, projection: str) -> None:
        super().__init__(stop=stop)
        self.projection = projection

    def step(self) -> None:
        active = ProjectionGeneration.objects.filter(
            projection=self.projection
        ).exclude(state=GenerationState.RETIRED)
        for generation in list(active):
            for segment in range(generation.segments):
                try:
                    engine.run_segment(
                        projection=self.projection,
                        segment=segment,
                        generation=generation.generation,
                    )
                except LeaseLost:
                    pass


class Reader(Activity):
    """Reads products through the HTTP read API, by id and a list page, noting
    any gap, and which indices the alias pointed at while it read."""

    def __init__(
        self,
        *,
        stop: threading.Event,
        product_ids: list[int],
        base_url: str,
        headers: dict[str, str],
    ) -> None:
        super().__init__(stop=stop)
        self.product_ids = product_ids
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update(headers)
        self.reads = 0
        self.served_by: set[str] = set()
        self.gaps: list[str] = []

    def step(self) -> None:
        pk = self.rng.choice(self.product_ids)
        self.served_by |= alias_targets("products")
        one = self.session.get(f"{self.base_url}/v1/products/{pk}", timeout=30)
        if one.status_code != 200:
            self.gaps.append(f"GET {pk}: {one.status_code} {one.text[:200]}")
        page = self.session.get(f"{self.base_url}/v1/products", timeout=30)
        if page.status_code != 200 or not page.json()["results"]:
            self.gaps.append(f"list at read {self.reads}: {page.status_code}")
        self.served_by |= alias_targets("products")
        self.reads += 1
