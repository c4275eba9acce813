"""Cost of the transactional outbox on the write path.

Runs `product_create` through its handler (rows + outbox events, one transaction)
interleaved with a baseline this benchmark builds itself: the same rows and lookups
through the ORM, in one transaction, without the outbox append (and without the
handler's input cleaning, so the ratio errs on the strict side), in a throwaway
database, and prints throughput, p50/p99 latency and the ratio. Goal: the outbox
path keeps at least 0.85x the plain throughput.

    .venv/bin/python bench/outbox_bench.py --n 2000
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

import harness

GOAL = 0.85


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="creates per variant")
    parser.add_argument("--warmup", type=int, default=100, help="untimed creates")
    return parser.parse_args()


def variants(category_id: int) -> dict[str, Callable[[int], None]]:
    from django.db import transaction

    from commands.handlers.product import product_create
    from commands.models import Product, StockItem, StockMovement
    from commands.write_guard import handler_write_scope

    def fields(sku: str) -> dict:
        return {
            "sku": sku,
            "name": f"Bench product {sku}",
            "category_id": category_id,
            "price": "19.99",
            "currency": "EUR",
            "description": "A product created by the outbox benchmark.",
            "status": "active",
            "attributes": {"color": "blue", "weight_g": 250},
        }

    def with_outbox(i: int) -> None:
        product_create(**fields(f"O-{i}"), initial_stock=10)

    def without_outbox(i: int) -> None:
        # The baseline, built here rather than in the handler: the rows
        # product_create writes (its lookups included), in one transaction,
        # without the outbox append and without input cleaning.
        with transaction.atomic(), handler_write_scope():
            product = Product(**fields(f"P-{i}"))
            Product.objects.filter(sku=product.sku).exists()
            product.category  # noqa: B018 (the handler loads the category too)
            product.save()
            StockItem(product=product, on_hand=10).save(force_insert=True)
            StockMovement(
                product=product, delta_on_hand=10, reason="initial stock"
            ).save()

    return {"outbox": with_outbox, "plain": without_outbox}


def measure(runs: dict[str, Callable[[int], None]], *, n: int, warmup: int) -> dict:
    for i in range(warmup):
        for run in runs.values():
            run(-1 - i)
    latencies: dict[str, list[float]] = {name: [] for name in runs}
    order = list(runs)
    for i in range(n):
        # Alternate who goes first so neither variant always gets the warm cache.
        for name in order if i % 2 == 0 else reversed(order):
            start = time.perf_counter()
            runs[name](i)
            latencies[name].append(time.perf_counter() - start)
    return latencies


def summary(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100)
    return {
        "throughput": len(samples) / sum(samples),
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
    }


def report(latencies: dict[str, list[float]]) -> float:
    stats = {name: summary(samples) for name, samples in latencies.items()}
    for name, s in stats.items():
        print(
            f"{name:>7}: {s['throughput']:8.1f} creates/s   "
            f"p50 {s['p50_ms']:6.2f} ms   p99 {s['p99_ms']:6.2f} ms"
        )
    ratio = stats["outbox"]["throughput"] / stats["plain"]["throughput"]
    verdict = "meets" if ratio >= GOAL else "misses"
    print(f"  ratio: {ratio:.3f}x of plain throughput ({verdict} the {GOAL}x goal)")
    return ratio


def main() -> int:
    args = parse_args()
    home = os.environ.get("PGDATABASE", "cqrs")
    database = f"bench_outbox_{os.getpid()}"
    harness.run_sql(f'CREATE DATABASE "{database}"', database=home)
    try:
        harness.setup_django(database)
        from commands.handlers.category import category_create

        category = category_create(name="Bench", slug=f"bench-{os.getpid()}")
        print(f"product_create x{args.n} per variant, interleaved ({database})")
        latencies = measure(variants(category.pk), n=args.n, warmup=args.warmup)
        report(latencies)
    finally:
        from django.db import connections

        connections.close_all()
        harness.run_sql(f'DROP DATABASE IF EXISTS "{database}"', database=home)
    return 0


if __name__ == "__main__":
    sys.exit(main())
