"""Demo data created through the command handlers, so every row has its events.

Idempotent: categories, products and customers have deterministic slugs, SKUs and
emails and are only created when missing; orders are topped up to the wanted count.
Handlers run inside an outer transaction per chunk (each handler is a savepoint in
it and still appends its own events), which keeps 10,000 products to seconds.
"""

import random
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils.text import slugify

from commands.demo_access import (
    EMAIL_DOMAIN,
    SeedResult,
    issue_demo_access,
    refuse_outside_demo_settings,
)
from commands.demo_catalogue import demo_product
from commands.errors import Conflict
from commands.handlers.category import category_create
from commands.handlers.customer import customer_register
from commands.handlers.order import order_cancel, order_pay, order_place, order_ship
from commands.handlers.product import product_archive, product_create
from commands.models import Category, Customer, Order, Product

CHUNK = 500
SKU_PREFIX = "DEMO-"
BRANCHING = 4  # children per category on levels 1 and 2 of the three-level tree

ROOT_WORDS = (
    "Electronics", "Home", "Garden", "Sports", "Toys",
    "Books", "Fashion", "Beauty", "Grocery", "Automotive",
)  # fmt: skip
CHILD_WORDS = ("Essentials", "Premium", "Outdoor", "Kids", "Classic", "Pro")
LEAF_WORDS = ("Basics", "Deluxe", "Mini", "Max", "Eco", "Smart")
COLOURS = ("black", "white", "red", "blue", "green", "grey")
FIRST_NAMES = ("Ada", "Alan", "Grace", "Linus", "Barbara", "Ken", "Margaret", "Guido")
LAST_NAMES = ("Lovelace", "Turing", "Hopper", "Torvalds", "Liskov", "Thompson")

T = TypeVar("T")
Progress = Callable[[Iterable[T], str, int], Iterable[T]]


def no_progress(items: Iterable[T], label: str, total: int) -> Iterable[T]:
    return items


def seed_demo(
    *,
    categories: int = 210,
    products: int = 10_000,
    customers: int = 1_000,
    orders: int = 5_000,
    seed: int = 42,
    progress: Progress = no_progress,
) -> SeedResult:
    """Top the demo data up to the given sizes; returns what it made and the keys."""
    refuse_outside_demo_settings()
    rng = random.Random(seed)
    result = SeedResult()
    leaves = _seed_categories(total=categories, result=result)
    product_ids = _seed_products(
        total=products, leaves=leaves, rng=rng, progress=progress, result=result
    )
    customer_ids = _seed_customers(total=customers, progress=progress, result=result)
    _seed_orders(
        total=orders,
        product_ids=product_ids,
        customer_ids=customer_ids,
        rng=rng,
        progress=progress,
        result=result,
    )
    issue_demo_access(result)
    return result


def _chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _category_plan(total: int) -> list[tuple[str, str | None]]:
    """(name, parent name) breadth-first for a three-level tree of `total` nodes."""
    per_root = 1 + BRANCHING + BRANCHING * BRANCHING
    roots = [_numbered(ROOT_WORDS, i) for i in range(max(1, -(-total // per_root)))]
    children = [
        (f"{root} {_numbered(CHILD_WORDS, j)}", root)
        for root in roots
        for j in range(BRANCHING)
    ]
    leaves = [
        (f"{child} {_numbered(LEAF_WORDS, k)}", child)
        for child, _ in children
        for k in range(BRANCHING)
    ]
    return [*((root, None) for root in roots), *children, *leaves][: max(1, total)]


def _numbered(words: tuple[str, ...], index: int) -> str:
    word = words[index % len(words)]
    return word if index < len(words) else f"{word} {index // len(words) + 1}"


def _seed_categories(*, total: int, result: SeedResult) -> dict[str, list[int]]:
    """Create missing categories; returns the lowest-level ones' ids by root word."""
    plan = _category_plan(total)
    ids = dict(
        Category.objects.filter(slug__in=[slugify(n) for n, _ in plan]).values_list(
            "slug", "id"
        )
    )
    created = 0
    with transaction.atomic():
        for name, parent in plan:
            if slugify(name) not in ids:
                parent_id = ids[slugify(parent)] if parent else None
                ids[slugify(name)] = category_create(name=name, parent_id=parent_id).pk
                created += 1
    result.created["categories"] = created
    parents = {parent for _, parent in plan if parent}
    leaves: dict[str, list[int]] = {}
    for name, _ in plan:
        if name not in parents:
            leaves.setdefault(name.split()[0], []).append(ids[slugify(name)])
    return leaves


def _seed_products(
    *,
    total: int,
    leaves: dict[str, list[int]],
    rng: random.Random,
    progress: Progress,
    result: SeedResult,
) -> list[int]:
    """Create missing DEMO- products; returns the ids of the active ones."""
    skus = [f"{SKU_PREFIX}{i:07d}" for i in range(total)]
    existing = set(Product.objects.filter(sku__in=skus).values_list("sku", flat=True))
    missing = [(i, sku) for i, sku in enumerate(skus) if sku not in existing]
    for chunk in _chunked(progress(missing, "products", len(missing))):
        with transaction.atomic():
            for index, sku in chunk:
                _create_product(index=index, sku=sku, leaves=leaves, rng=rng)
    result.created["products"] = len(missing)
    return list(
        Product.objects.filter(sku__in=skus, status="active", deleted=False)
        .order_by("id")
        .values_list("id", flat=True)
    )


def _create_product(
    *, index: int, sku: str, leaves: dict[str, list[int]], rng: random.Random
) -> None:
    roll = rng.random()
    item, name, description = demo_product(index, rng)
    # In its own department when the tree has one (small trees may not).
    department = leaves.get(item.department) or [
        i for ids in leaves.values() for i in ids
    ]
    product = product_create(
        sku=sku,
        name=name,
        description=description,
        category_id=rng.choice(department),
        price=Decimal(rng.randint(100, 50_000)) / 100,
        status="draft" if roll < 0.05 else "active",
        attributes={
            "color": rng.choice(COLOURS),
            "weight_g": rng.randint(50, 5000),
        },
        initial_stock=0 if rng.random() < 0.05 else rng.randint(20, 400),
    )
    if 0.05 <= roll < 0.08:
        product_archive(product_id=product.pk)


def _seed_customers(*, total: int, progress: Progress, result: SeedResult) -> list[int]:
    emails = [f"customer{i:06d}@{EMAIL_DOMAIN}" for i in range(total)]
    existing = set(
        Customer.objects.filter(email__in=emails).values_list("email", flat=True)
    )
    missing = [(i, email) for i, email in enumerate(emails) if email not in existing]
    for chunk in _chunked(progress(missing, "customers", len(missing))):
        with transaction.atomic():
            for index, email in chunk:
                name = (
                    f"{FIRST_NAMES[index % len(FIRST_NAMES)]} "
                    f"{LAST_NAMES[index // len(FIRST_NAMES) % len(LAST_NAMES)]} {index}"
                )
                customer_register(email=email, name=name)
    result.created["customers"] = len(missing)
    return list(
        Customer.objects.filter(email__in=emails)
        .order_by("id")
        .values_list("id", flat=True)
    )


# Where each new demo order ends up; cancellations come from placed and from paid.
ORDER_FATES: tuple[tuple[str, float], ...] = (
    ("placed", 0.20),
    ("paid", 0.25),
    ("shipped", 0.40),
    ("cancelled_placed", 0.08),
    ("cancelled_paid", 0.07),
)
FATE_STEPS: dict[str, tuple[Callable[..., Any], ...]] = {
    "placed": (),
    "paid": (order_pay,),
    "shipped": (order_pay, order_ship),
    "cancelled_placed": (order_cancel,),
    "cancelled_paid": (order_pay, order_cancel),
}


def _seed_orders(
    *,
    total: int,
    product_ids: list[int],
    customer_ids: list[int],
    rng: random.Random,
    progress: Progress,
    result: SeedResult,
) -> None:
    """Top demo orders up to `total`; gives up after 3 tries per order (sold out)."""
    existing = Order.objects.filter(
        customer__email__endswith=f"@{EMAIL_DOMAIN}"
    ).count()
    wanted = max(0, total - existing) if product_ids and customer_ids else 0
    created = 0
    bar = iter(progress(range(wanted), "orders", wanted))
    for chunk in _chunked(range(3 * wanted)):
        with transaction.atomic():
            for _ in chunk:
                if created == wanted:
                    break
                if _create_order(
                    product_ids=product_ids, customer_ids=customer_ids, rng=rng
                ):
                    created += 1
                    next(bar, None)
        if created == wanted:
            break
    result.created["orders"] = created


def _create_order(
    *, product_ids: list[int], customer_ids: list[int], rng: random.Random
) -> bool:
    """Place one order and walk it to a random fate; False when stock ran short."""
    picked = rng.sample(product_ids, k=min(len(product_ids), rng.randint(1, 4)))
    lines = [{"product_id": pk, "quantity": rng.randint(1, 3)} for pk in picked]
    fate = rng.choices([f for f, _ in ORDER_FATES], [w for _, w in ORDER_FATES])[0]
    try:
        order = order_place(customer_id=rng.choice(customer_ids), lines=lines)
    except Conflict:
        return False  # sold out: the handler's savepoint rolled back, nothing written
    for step in FATE_STEPS[fate]:
        step(order_id=order.pk)
    return True
