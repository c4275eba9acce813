"""The listener's scan per commit: cost against outbox size, old SQL vs new.

`projections.outbox.horizons.SCAN` runs on every commit the listener hears (and
every tick): it finds the segments with events waiting. Its "ended
transactions" half was `txid = ANY(ARRAY(xip...))`, which PostgreSQL planned as
a sequential scan of the whole outbox per segment once the outbox held bulk
transactions; it is now one index probe per ended transaction. This benchmark
builds a backlog with `product_create` (500 products per transaction, as
projection_bench does), catches every projection up in-process, commits one
stock adjustment, and times both statements on the same database, interleaved,
at each size. Prints the median per scan and the ratio.

    .venv/bin/python bench/scan_bench.py                    # 2,000 and 20,000 events
    .venv/bin/python bench/scan_bench.py --events 2000 20000 100000
"""

import argparse
import os
import statistics
import time

import harness

NAMESPACE = f"scanbench{os.getpid()}"

# The statement as it was before issue 13 (the baseline).
OLD_SCAN = """
WITH snap AS (SELECT pg_current_snapshot() AS s2),
state AS (
    SELECT c.id, c.projection, c.generation, c.segment, g.state,
           c.checkpoint_snapshot, snap.s2,
           c.target_snapshot <> ''
           OR EXISTS (
               SELECT 1 FROM commands_outboxevent o
               WHERE o.txid = ANY(ARRAY(
                       SELECT x
                       FROM pg_snapshot_xip(c.checkpoint_snapshot::pg_snapshot) AS x
                       WHERE pg_visible_in_snapshot(x, snap.s2)))
                 AND o.shard % g.segments = c.segment
           )
           OR EXISTS (
               SELECT 1 FROM commands_outboxevent o
               WHERE o.txid >= pg_snapshot_xmax(c.checkpoint_snapshot::pg_snapshot)
                 AND o.txid < pg_snapshot_xmax(snap.s2)
                 AND pg_visible_in_snapshot(o.txid, snap.s2)
                 AND o.shard % g.segments = c.segment
           ) AS pending
    FROM projections_segmentcheckpoint c
    JOIN projections_projectiongeneration g
      ON g.projection = c.projection AND g.generation = c.generation
    CROSS JOIN snap
    WHERE g.state <> 'retired' AND NOT c.paused
)
SELECT projection, generation, segment, pending FROM state
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--repeat", type=int, default=21, help="scans per statement")
    return parser.parse_args()


def new_scan_sql() -> str:
    """Today's statement, read-only (its state CTE, as OLD_SCAN is)."""
    from projections.outbox.horizons import SCAN

    state = SCAN.split("raised AS (")[0].rstrip().rstrip(",")
    return state.replace("%%", "%") + (
        "\nSELECT projection, generation, segment, pending FROM state"
    )


def grow(*, first: int, products: int, category: int) -> None:
    """`products` more products (two events each), 500 per transaction."""
    from django.db import transaction

    from commands.handlers.product import product_create

    for start in range(first, first + products, 500):
        with transaction.atomic():
            for n in range(start, min(start + 500, first + products)):
                product_create(
                    sku=f"S-{n}",
                    name=f"Scan product {n}",
                    category_id=category,
                    price="19.99",
                    status="active",
                    initial_stock=10,
                )


def catch_up_all() -> None:
    from projections import registry
    from projections.lifecycle import generations
    from projections.running.engine import run_segment

    for spec in registry.all_specs():
        generation = generations.ensure_live_generation(spec.name)
        for segment in range(generation.segments):
            while run_segment(projection=spec.name, segment=segment).more:
                pass


def median_ms(sql: str, repeat: int) -> tuple[float, list]:
    from django.db import connection

    times, rows = [], []
    with connection.cursor() as cursor:
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(sql)
            rows = cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), sorted(rows)


def main() -> None:
    args = parse_args()
    database = f"{NAMESPACE}_db"
    harness.run_sql(f'CREATE DATABASE "{database}"', database="postgres")
    try:
        harness.setup_django(database, namespace=NAMESPACE)
        import logging

        logging.disable(logging.INFO)
        harness.clear_stores(NAMESPACE)
        from django.db import connection

        from commands.handlers.category import category_create
        from commands.handlers.stock import stock_adjust

        category = category_create(name="Scan bench").pk
        built = 0
        print(
            f"{'outbox rows':>12} {'old scan ms':>12} {'new scan ms':>12} {'new/old':>8}"
        )
        for events in sorted(args.events):
            grow(first=built // 2, products=(events - built) // 2, category=category)
            built = events
            catch_up_all()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute("SELECT count(*), min(id) FROM commands_product")
                _, product = cursor.fetchone()
            stock_adjust(product_id=product, delta=1, reason="bench")
            new_sql = new_scan_sql()
            old_ms, old_rows = median_ms(OLD_SCAN, args.repeat)
            new_ms, new_rows = median_ms(new_sql, args.repeat)
            assert old_rows == new_rows, "both statements must find the same segments"
            assert any(row[3] for row in new_rows), "the adjustment must be pending"
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM commands_outboxevent")
                (rows,) = cursor.fetchone()
            print(
                f"{rows:>12,} {old_ms:>12.2f} {new_ms:>12.2f} {new_ms / old_ms:>8.3f}"
            )
    finally:
        harness.tear_down(database, namespace=NAMESPACE)


if __name__ == "__main__":
    main()
