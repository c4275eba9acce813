"""A committed catalogue made through the command handlers."""

from dataclasses import dataclass

from django.db import transaction

from commands.handlers.category import category_create
from commands.handlers.product import product_create
from commands.handlers.stock import stock_adjust


@dataclass(frozen=True)
class Catalog:
    category_ids: list[int]
    product_ids: list[int]


def make_catalog(*, products: int) -> Catalog:
    """Products in a small tree, each with one stock delivery, through the handlers.

    One outer transaction keeps seeding quick; every handler still appends
    its events, so the projections see a normal outbox.
    """
    with transaction.atomic():
        root = category_create(name="Garden").pk
        leaves = [
            category_create(name=f"Tools {n}", parent_id=root).pk for n in range(3)
        ]
        ids = [
            product_create(
                sku=f"RB-{n}",
                name=f"Spade {n}",
                category_id=leaves[n % 3],
                price=f"{10 + n % 50}.50",
                status="active",
                initial_stock=5,
            ).pk
            for n in range(products)
        ]
        for pk in ids:
            stock_adjust(product_id=pk, delta=3, reason="delivery")
    return Catalog(category_ids=[root, *leaves], product_ids=ids)
