"""Background activity during a rebuild: writers, projector runs, readers."""

import random
import threading

from django.db import connection
from opensearchpy.exceptions import NotFoundError

from commands.handlers.product import product_update
from commands.handlers.stock import stock_adjust
from config import connections
from projections import engine, naming
from projections.errors import LeaseLost
from projections.models import GenerationState, ProjectionGeneration

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
    """Reads documents by id through the alias and a search page, noting any gap."""

    def __init__(self, *, stop: threading.Event, product_ids: list[int]) -> None:
        super().__init__(stop=stop)
        self.product_ids = product_ids
        self.alias = naming.alias("products")
        self.reads = 0
        self.served_by: set[str] = set()
        self.gaps: list[str] = []

    def step(self) -> None:
        client = connections.opensearch()
        pk = self.rng.choice(self.product_ids)
        try:
            document = client.get(index=self.alias, id=str(pk))
            self.served_by.add(document["_index"])
        except NotFoundError as exc:
            self.gaps.append(f"GET {pk}: {exc.error}")
        page = client.search(
            index=self.alias,
            body={"query": {"term": {"deleted": False}}, "size": 20, "sort": ["id"]},
        )
        if not page["hits"]["hits"]:
            self.gaps.append(f"empty search page at read {self.reads}")
        self.reads += 1
