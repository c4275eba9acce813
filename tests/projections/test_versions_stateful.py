"""Random command sequences, projected at random points with redeliveries and
reorderings, leave every read model equal to the fold of the write model, and
rewrite no document that no change reached.

A hypothesis state machine drives the real handlers (so the outbox), runs
projector segments, and re-applies random samples of already-committed events
shuffled (duplicates, late and out-of-order deliveries). At the end of every
example it drains, then checks: the independent agreement checker finds no
difference (nor extra entries), `verify_projection` finds no drift in any
projection, and every product or order document whose OpenSearch `_seq_no`
moved was within reach of a change the example made (its own row, its stock,
a category above it, its customer's details).

CQRS_STATEFUL_EXAMPLES / CQRS_STATEFUL_STEPS make it a long run, e.g.
`CQRS_STATEFUL_EXAMPLES=200 CQRS_STATEFUL_STEPS=60 pytest -k stateful`.
"""

import itertools
import os

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from commands.errors import DomainError
from commands.handlers.category import category_create, category_move, category_rename
from commands.handlers.customer import customer_register, customer_update
from commands.handlers.order import order_cancel, order_pay, order_place
from commands.handlers.product import (
    product_archive,
    product_create,
    product_delete,
    product_update,
)
from commands.handlers.stock import stock_adjust
from commands.outbox import ReadPosition, read_batch
from projections import registry
from projections.lifecycle import generations
from projections.running import engine
from projections.running.batches import apply_events
from projections.verification.verify import verify_projection
from tests.projections import agreement
from tests.projections.draining import drain
from tests.projections.rewrites import rewritten, seq_nos

pytestmark = pytest.mark.usefixtures("engine_db")

EXAMPLES = int(os.environ.get("CQRS_STATEFUL_EXAMPLES", "6"))
STEPS = int(os.environ.get("CQRS_STATEFUL_STEPS", "25"))
SERIAL = itertools.count(1)  # names stay unique across examples (one database)
PROJECTIONS = ("products", "orders", "stock", "top_products", "customer_summary")


def _outbox_end() -> ReadPosition:
    """A read position past every event committed now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return ReadPosition(since=cursor.fetchone()[0])


def _drift(names) -> dict[str, int]:
    return {
        name: verify_projection(projection=name, settle_timeout=0).drifted
        for name in names
    }


class CatalogueMachine(RuleBasedStateMachine):
    """A model of what this example created, and of which documents it reached."""

    def __init__(self) -> None:
        super().__init__()
        self.parent: dict[int, int | None] = {}
        self.category_of: dict[int, int] = {}
        self.deleted: set[int] = set()
        self.customers: list[int] = []
        self.orders: dict[int, tuple[int, list[int]]] = {}  # id: customer, products
        self.reached: dict[str, set[str]] = {"products": set(), "orders": set()}
        self.cursor = ReadPosition()
        self.seen: list = []

    @initialize()
    def start(self) -> None:
        drain()
        self.before = {name: seq_nos(name) for name in ("products", "orders")}
        self.cursor = _outbox_end()
        # A chain root > a > b (products in b) and another root: moves and
        # renames then have deep paths to lose or gain.
        parent = None
        for _ in range(3):
            parent = self._category(parent=parent)
        self._category(parent=None)
        for _ in range(2):
            self._product(category=parent, stock=3)
        self.customers.append(
            customer_register(email=f"c{next(SERIAL)}@example.com", name="C").pk
        )
        drain()

    # -- the model ---------------------------------------------------------

    def _subtree(self, category: int) -> set[int]:
        found, todo = set(), [category]
        while todo:
            node = todo.pop()
            if node not in found:
                found.add(node)
                todo.extend(c for c, p in self.parent.items() if p == node)
        return found

    def _live_products_under(self, category: int) -> set[str]:
        subtree = self._subtree(category)
        return {
            str(pk)
            for pk, cat in self.category_of.items()
            if cat in subtree and pk not in self.deleted
        }

    def _reach_products(self, *pks: int) -> None:
        self.reached["products"].update(str(pk) for pk in pks)

    def _category(self, *, parent: int | None) -> int:
        pk = category_create(name=f"Cat {next(SERIAL)}", parent_id=parent).pk
        self.parent[pk] = parent
        return pk

    def _cats(self) -> list[int]:
        return sorted(self.parent)

    def _live(self) -> list[int]:
        return sorted(set(self.category_of) - self.deleted)

    # -- commands ----------------------------------------------------------

    @rule(data=st.data(), root=st.booleans())
    def create_category(self, data, root: bool) -> None:
        parent = None if root else data.draw(st.sampled_from(self._cats()))
        self._category(parent=parent)

    @rule(data=st.data())
    def rename_category(self, data) -> None:
        category = data.draw(st.sampled_from(self._cats()))
        category_rename(category_id=category, name=f"Cat {next(SERIAL)}")
        self.reached["products"] |= self._live_products_under(category)

    @rule(data=st.data(), to_root=st.booleans())
    def move_category(self, data, to_root: bool) -> None:
        """Moves whole subtrees, deeper or shallower; a cycle is refused."""
        category = data.draw(st.sampled_from(self._cats()))
        parent = None if to_root else data.draw(st.sampled_from(self._cats()))
        if parent is not None and parent in self._subtree(category):
            with pytest.raises(DomainError):
                category_move(category_id=category, parent_id=parent)
            return
        category_move(category_id=category, parent_id=parent)
        self.reached["products"] |= self._live_products_under(category)
        self.parent[category] = parent

    def _product(self, *, category: int, stock: int) -> None:
        n = next(SERIAL)
        pk = product_create(
            sku=f"SKU-{n}",
            name=f"Product {n}",
            category_id=category,
            price="10.00",
            status="active",
            initial_stock=stock,
        ).pk
        self.category_of[pk] = category
        self._reach_products(pk)

    @rule(data=st.data(), stock=st.integers(min_value=0, max_value=5))
    def create_product(self, data, stock: int) -> None:
        self._product(stock=stock, category=data.draw(st.sampled_from(self._cats())))

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def move_product(self, data) -> None:
        product = data.draw(st.sampled_from(self._live()))
        category = data.draw(st.sampled_from(self._cats()))
        product_update(product_id=product, category_id=category)
        self.category_of[product] = category
        self._reach_products(product)

    @precondition(lambda self: self._live())
    @rule(data=st.data(), cents=st.integers(min_value=100, max_value=9999))
    def reprice_product(self, data, cents: int) -> None:
        product = data.draw(st.sampled_from(self._live()))
        product_update(product_id=product, price=f"{cents / 100:.2f}")
        self._reach_products(product)

    @precondition(lambda self: self._live())
    @rule(data=st.data(), delta=st.integers(min_value=-3, max_value=5))
    def adjust_stock(self, data, delta: int) -> None:
        product = data.draw(st.sampled_from(self._live()))
        try:
            stock_adjust(product_id=product, delta=delta or 1, reason="count")
        except DomainError:  # short of stock: refused, nothing changed
            return
        self._reach_products(product)

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def archive_product(self, data) -> None:
        product = data.draw(st.sampled_from(self._live()))
        try:
            product_archive(product_id=product)
        except DomainError:  # already archived
            return
        self._reach_products(product)

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def delete_product(self, data) -> None:
        product = data.draw(st.sampled_from(self._live()))
        product_delete(product_id=product)
        self.deleted.add(product)
        self._reach_products(product)

    @rule()
    def register_customer(self) -> None:
        n = next(SERIAL)
        self.customers.append(
            customer_register(email=f"c{n}@example.com", name=f"C {n}").pk
        )

    @rule(data=st.data())
    def rename_customer(self, data) -> None:
        customer = data.draw(st.sampled_from(self.customers))
        customer_update(customer_id=customer, name=f"C {next(SERIAL)}")
        self.reached["orders"] |= {
            str(pk) for pk, (owner, _) in self.orders.items() if owner == customer
        }

    @precondition(lambda self: self._live())
    @rule(data=st.data())
    def place_order(self, data) -> None:
        customer = data.draw(st.sampled_from(self.customers))
        product = data.draw(st.sampled_from(self._live()))
        try:
            order = order_place(
                customer_id=customer, lines=[{"product_id": product, "quantity": 1}]
            ).pk
        except DomainError:  # out of stock, or archived
            return
        self.orders[order] = (customer, [product])
        self.reached["orders"].add(str(order))
        self._reach_products(product)

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), pay=st.booleans())
    def pay_or_cancel_order(self, data, pay: bool) -> None:
        order = data.draw(st.sampled_from(sorted(self.orders)))
        try:
            (order_pay if pay else order_cancel)(order_id=order)
        except DomainError:  # not in a state that allows it
            return
        self.reached["orders"].add(str(order))
        self._reach_products(*self.orders[order][1])

    # -- delivery ----------------------------------------------------------

    @rule(
        projection=st.sampled_from(PROJECTIONS),
        segment=st.integers(min_value=0, max_value=3),
    )
    def run_projector(self, projection: str, segment: int) -> None:
        generations.ensure_live_generation(projection)
        engine.run_segment(projection=projection, segment=segment)

    @rule()
    def catch_up_and_verify(self) -> None:
        """Mid-sequence, what is projected must already be exact."""
        drain(names=["products", "orders"])
        assert _drift(("products", "orders")) == {"products": 0, "orders": 0}

    @rule(
        picks=st.lists(
            st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 999)),
            min_size=1,
            max_size=30,
        )
    )
    def redeliver_shuffled(self, picks: list[tuple[float, int]]) -> None:
        """Apply a sample of committed events again, duplicated and reordered.

        Picks are fractions of the events seen so far and sort keys, so what
        hypothesis draws does not depend on how many events the outbox shows.
        """
        batch = read_batch(position=self.cursor, limit=10_000)
        self.seen.extend(batch.events)
        self.cursor = batch.next
        shuffled = sorted(picks, key=lambda pick: pick[1])
        events = [self.seen[int(share * len(self.seen))] for share, _ in shuffled]
        for spec in registry.all_specs():
            live = generations.ensure_live_generation(spec.name)
            store = generations.store_for(spec=spec, generation=live.generation)
            assert apply_events(spec=spec, store=store, events=events) == []

    def teardown(self) -> None:
        drain()
        assert agreement.mismatches() == []
        assert _drift(registry.names()) == dict.fromkeys(registry.names(), 0)
        for name in ("products", "orders"):
            moved = rewritten(before=self.before[name], after=seq_nos(name))
            assert moved - self.reached[name] == set(), name


def test_random_command_sequences_keep_every_read_model_exact():
    run_state_machine_as_test(
        CatalogueMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
