"""A seeded, realistic mix of commands through the real handlers (so through the outbox)."""

import random
from dataclasses import dataclass, field

from commands.errors import DomainError
from commands.handlers.apikey import apikey_issue, apikey_revoke
from commands.handlers.category import category_create, category_move, category_rename
from commands.handlers.customer import customer_register, customer_update
from commands.handlers.order import order_cancel, order_pay, order_place, order_ship
from commands.handlers.product import product_create, product_delete, product_update
from commands.handlers.stock import stock_adjust
from commands.models import OutboxEvent


@dataclass
class Workload:
    """Ids of what exists, so each step picks a plausible target."""

    seed: int = 0
    rng: random.Random = field(init=False)
    roots: list[int] = field(default_factory=list)
    leaves: list[int] = field(default_factory=list)
    products: list[int] = field(default_factory=list)
    customers: list[int] = field(default_factory=list)
    placed: list[int] = field(default_factory=list)
    paid: list[int] = field(default_factory=list)
    apikeys: list[int] = field(default_factory=list)
    serial: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def setup(self, *, products: int = 60, customers: int = 30) -> None:
        tag = f"s{self.seed}"
        for r in range(3):
            root = category_create(name=f"Root {tag} {r}").pk
            self.roots.append(root)
            for c in range(3):
                self.leaves.append(
                    category_create(name=f"Leaf {tag} {r}.{c}", parent_id=root).pk
                )
        for _ in range(products):
            self.new_product()
        for n in range(customers):
            self.customers.append(
                customer_register(
                    email=f"c{n}-{tag}@example.com", name=f"Customer {n}"
                ).pk
            )
        for n in range(2):
            self.apikeys.append(
                apikey_issue(name=f"key {n}", scopes=["catalog:read"])[0].pk
            )

    def new_product(self) -> None:
        self.serial += 1
        product = product_create(
            sku=f"SKU-{self.seed}-{self.serial}",
            name=f"Product {self.serial}",
            category_id=self.rng.choice(self.leaves),
            price=f"{self.rng.randint(100, 9999) / 100:.2f}",
            status="active",
            initial_stock=self.rng.randint(5, 50),
        )
        self.products.append(product.pk)

    def step(self) -> None:
        """One random command; domain refusals (short stock, ...) are part of life."""
        action = self.rng.choices(ACTIONS, weights=WEIGHTS)[0]
        try:
            action(self)
        except DomainError:
            pass

    def run_until(self, *, events: int) -> None:
        """Issue commands until the outbox holds at least `events` rows."""
        while OutboxEvent.objects.count() < events:
            for _ in range(20):
                self.step()


def _adjust(w: Workload) -> None:
    stock_adjust(
        product_id=w.rng.choice(w.products),
        delta=w.rng.randint(1, 20),
        reason="delivery",
    )


def _update(w: Workload) -> None:
    product_update(
        product_id=w.rng.choice(w.products),
        price=f"{w.rng.randint(100, 9999) / 100:.2f}",
    )


def _place(w: Workload) -> None:
    lines = [
        {"product_id": pk, "quantity": w.rng.randint(1, 3)}
        for pk in w.rng.sample(w.products, k=w.rng.randint(1, 3))
    ]
    w.placed.append(order_place(customer_id=w.rng.choice(w.customers), lines=lines).pk)


def _pay(w: Workload) -> None:
    if w.placed:
        order = w.placed.pop(w.rng.randrange(len(w.placed)))
        order_pay(order_id=order)
        w.paid.append(order)


def _ship(w: Workload) -> None:
    if w.paid:
        order_ship(order_id=w.paid.pop(w.rng.randrange(len(w.paid))))


def _cancel(w: Workload) -> None:
    pool = w.rng.choice([w.placed, w.paid])
    if pool:
        order_cancel(order_id=pool.pop(w.rng.randrange(len(pool))))


def _rename_customer(w: Workload) -> None:
    w.serial += 1
    customer_update(customer_id=w.rng.choice(w.customers), name=f"Renamed {w.serial}")


def _rename_category(w: Workload) -> None:
    w.serial += 1
    category_rename(
        category_id=w.rng.choice(w.roots + w.leaves), name=f"Category {w.serial}"
    )


def _move_category(w: Workload) -> None:
    category_move(category_id=w.rng.choice(w.leaves), parent_id=w.rng.choice(w.roots))


def _delete_product(w: Workload) -> None:
    if len(w.products) > 20:
        product_delete(product_id=w.products.pop(w.rng.randrange(len(w.products))))


def _create_product(w: Workload) -> None:
    w.new_product()


def _revoke_key(w: Workload) -> None:
    if w.apikeys:
        apikey_revoke(apikey_id=w.apikeys.pop())


ACTIONS = [
    _adjust,
    _update,
    _place,
    _pay,
    _ship,
    _cancel,
    _rename_customer,
    _rename_category,
    _move_category,
    _delete_product,
    _create_product,
    _revoke_key,
]
WEIGHTS = [20, 10, 30, 20, 6, 6, 4, 1, 1, 1, 4, 0.2]
