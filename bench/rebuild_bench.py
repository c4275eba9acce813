"""Rebuild throughput and memory: rebuild_projection vs raw bulk vs django-opensearch-dsl.

In a throwaway database, products (with stock, in a three-level category
tree) are inserted with COPY: the benchmark measures the rebuild, not the
writes, so it skips the handlers and the outbox on purpose. Then, each in
its own child process (so `getrusage` reports that run's own peak RSS):

- `rebuild_projection products` at N/10 and at N rows: docs/s and peak RSS
  (memory should stay flat: the load streams through a server-side cursor);
- (a) raw `opensearchpy.helpers.streaming_bulk` of the very same documents,
  built beforehand (untimed) and indexed into an index with the same
  mappings and loading settings; goal: rebuild >= 0.7x its docs/s;
- (b) django-opensearch-dsl `opensearch document index --parallel` over the
  same models (bench/rebuild_dsl_*.py; install bench/requirements-bench.txt);
  goal: rebuild >= 2x its docs/s.

    .venv/bin/pip install -r bench/requirements-bench.txt
    .venv/bin/python bench/rebuild_bench.py              # N = 100,000
    .venv/bin/python bench/rebuild_bench.py --n 20000 --skip-dsl
"""

import argparse
import io
import json
import os
import random
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import harness
import psycopg

REPO = Path(__file__).resolve().parent.parent
NAMESPACE = "rbench"
RAW_INDEX = f"{NAMESPACE}-raw-products"
RAW_GOAL = 0.7
DSL_GOAL = 2.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="products")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--skip-dsl", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--child", choices=["rebuild", "raw", "dsl", "cleanup"], help=argparse.SUPPRESS
    )
    return parser.parse_args()


# --- the parent: a throwaway database, children, the report ----------------


def create_database(database: str) -> None:
    with psycopg.connect(harness.dsn("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=REPO,
        env=harness.child_env(database, namespace=NAMESPACE),
        check=True,
    )


def drop_database(database: str) -> None:
    harness.run_sql(
        f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', database="postgres"
    )


def seed_categories(conn: psycopg.Connection) -> list[int]:
    """3 roots x 4 x 4: 63 categories; returns the 48 leaves."""
    now = datetime.now(UTC)
    rows, leaves, pk = [], [], 0
    for r in range(3):
        pk += 1
        root = pk
        rows.append((root, now, now, f"Root {r}", f"root-{r}", 1, None))
        for c in range(4):
            pk += 1
            child = pk
            rows.append((child, now, now, f"Aisle {r}.{c}", f"aisle-{r}-{c}", 1, root))
            for g in range(4):
                pk += 1
                rows.append(
                    (pk, now, now, f"Shelf {r}.{c}.{g}", f"shelf-{r}-{c}-{g}", 1, child)
                )
                leaves.append(pk)
    columns = "id, created_at, updated_at, name, slug, version, parent_id"
    with conn.cursor().copy(f"COPY commands_category ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    conn.execute(
        "INSERT INTO commands_catalogtree (id, created_at, updated_at, version) "
        "VALUES (1, now(), now(), 1) ON CONFLICT (id) DO NOTHING"
    )
    return leaves


def seed_products(*, database: str, first: int, count: int) -> None:
    """COPY products `first`..`first + count - 1` and their stock items."""
    rng = random.Random(first)
    now = datetime.now(UTC)
    with psycopg.connect(harness.dsn(database), autocommit=True) as conn:
        leaves = (
            seed_categories(conn)
            if first == 1
            else [
                pk
                for (pk,) in conn.execute(
                    "SELECT id FROM commands_category c WHERE NOT EXISTS "
                    "(SELECT 1 FROM commands_category k WHERE k.parent_id = c.id)"
                )
            ]
        )
        ids = range(first, first + count)
        _copy_products(conn, ids=ids, leaves=leaves, rng=rng, now=now)
        _copy_stock(conn, ids=ids, rng=rng, now=now)
        conn.execute("ANALYZE commands_product")
        conn.execute("ANALYZE commands_stockitem")


def _copy_products(conn, *, ids, leaves, rng, now) -> None:
    columns = (
        "id, created_at, updated_at, sku, name, description, price, currency, "
        "status, attributes, deleted, version, category_id"
    )
    description = "A sturdy, well made product for the benchmark. " * 4
    with conn.cursor().copy(f"COPY commands_product ({columns}) FROM STDIN") as copy:
        for pk in ids:
            copy.write_row(
                (
                    pk,
                    now,
                    now,
                    f"B-{pk}",
                    f"Bench product {pk}",
                    description,
                    f"{rng.randint(100, 99999) / 100:.2f}",
                    "EUR",
                    "active",
                    json.dumps({"color": rng.choice(["red", "blue"]), "size": "M"}),
                    False,
                    1,
                    rng.choice(leaves),
                )
            )


def _copy_stock(conn, *, ids, rng, now) -> None:
    columns = (
        "product_id, created_at, updated_at, on_hand, reserved, units_sold, version"
    )
    with conn.cursor().copy(f"COPY commands_stockitem ({columns}) FROM STDIN") as copy:
        for pk in ids:
            copy.write_row((pk, now, now, rng.randint(0, 50), 0, rng.randint(0, 9), 1))


def run_child(kind: str, *, database: str, batch_size: int) -> dict:
    env = harness.child_env(database, namespace=NAMESPACE)
    if kind == "dsl":
        env["DJANGO_SETTINGS_MODULE"] = "bench.rebuild_dsl_settings"
    result = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--batch-size", str(batch_size)],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return harness.child_result(result.stdout)


def cleanup_stores(database: str) -> None:
    subprocess.run(
        [sys.executable, __file__, "--child", "cleanup"],
        cwd=REPO,
        env=harness.child_env(database, namespace=NAMESPACE),
        check=False,
    )


def report(*, n: int, results: dict[str, dict]) -> None:
    print(f"\nRebuild of the products projection, {n:,} products (rows made with COPY,")
    print("not the handlers: the benchmark measures the rebuild, not the writes).\n")
    print(f"{'run':<34} {'docs':>9} {'seconds':>8} {'docs/s':>9} {'peak RSS':>10}")
    for name, r in results.items():
        rate = r["docs"] / r["seconds"]
        print(
            f"{name:<34} {r['docs']:>9,} {r['seconds']:>8.2f} {rate:>9,.0f} "
            f"{r['peak_rss_mb']:>8.0f}MB"
        )
    rebuild = results[f"rebuild_projection (N={n:,})"]
    small = results[f"rebuild_projection (N={n // 10:,})"]
    speed = rebuild["docs"] / rebuild["seconds"]
    print()
    print(
        f"memory at N vs N/10: {rebuild['peak_rss_mb']:.0f}MB vs "
        f"{small['peak_rss_mb']:.0f}MB (x{rebuild['peak_rss_mb'] / small['peak_rss_mb']:.2f}"
        " for 10x the rows)"
    )
    print(f"load phase alone: {rebuild['load_rate']:,.0f} docs/s")
    for key, goal, label in (
        ("raw streaming_bulk of pre-built docs", RAW_GOAL, "raw bulk"),
        ("django-opensearch-dsl --parallel", DSL_GOAL, "django-opensearch-dsl"),
    ):
        if key in results:
            other = results[key]["docs"] / results[key]["seconds"]
            ratio = speed / other
            verdict = "meets" if ratio >= goal else "misses"
            print(f"rebuild / {label}: {ratio:.2f}x ({verdict} the goal of {goal}x)")


def main(args: argparse.Namespace) -> None:
    database = f"rbench_{os.getpid()}"
    small = args.n // 10
    print(f"seeding {database} with {args.n:,} products by COPY ...", flush=True)
    create_database(database)
    results: dict[str, dict] = {}
    try:
        seed_products(database=database, first=1, count=small)
        results[f"rebuild_projection (N={small:,})"] = run_child(
            "rebuild", database=database, batch_size=args.batch_size
        )
        seed_products(database=database, first=small + 1, count=args.n - small)
        for name, kind in (
            (f"rebuild_projection (N={args.n:,})", "rebuild"),
            ("raw streaming_bulk of pre-built docs", "raw"),
            ("django-opensearch-dsl --parallel", "dsl"),
        ):
            if kind == "dsl" and (args.skip_dsl or not dsl_installed()):
                continue
            print(f"running {name} ...", flush=True)
            results[name] = run_child(
                kind, database=database, batch_size=args.batch_size
            )
    finally:
        cleanup_stores(database)
        if not args.keep_db:
            drop_database(database)
    report(n=args.n, results=results)


def dsl_installed() -> bool:
    try:
        import django_opensearch_dsl  # noqa: F401
    except ImportError:
        print(
            "django-opensearch-dsl is not installed: pip install -r "
            "bench/requirements-bench.txt (skipping that comparison)"
        )
        return False
    return True


# --- the children: one measured run each -----------------------------------


def child_rebuild(batch_size: int) -> dict:
    from projections.rebuilds.rebuild import RebuildOptions, rebuild_projection

    outcome = rebuild_projection(
        projection="products", options=RebuildOptions(batch_size=batch_size, keep=0)
    )
    return {
        "docs": outcome.run.rows_done,
        "seconds": outcome.seconds,
        "load_rate": outcome.run.rate,
    }


def child_raw(batch_size: int) -> dict:
    from opensearchpy import helpers

    from config import connections
    from projections import registry
    from projections.rebuilds.loading import build_chunk
    from projections.rebuilds.snapshot import snapshot_transaction
    from projections.rebuilds.targets import LOADING_SETTINGS, serving_settings

    spec = registry.get("products")
    with snapshot_transaction():
        chunks = spec.source.key_chunks(after=None, chunk=batch_size)
        documents = [
            w for keys in chunks for w in build_chunk(spec=spec, keys=keys).writes
        ]
    client = connections.opensearch()
    client.indices.delete(index=RAW_INDEX, ignore_unavailable=True)
    client.indices.create(
        index=RAW_INDEX,
        body={
            "settings": {**spec.index_settings, **LOADING_SETTINGS},
            "mappings": dict(spec.mappings),
        },
    )
    actions = (
        {
            "_index": RAW_INDEX,
            "_id": doc.doc_id,
            "version": doc.version,
            "version_type": "external",
            "_source": doc.document,
        }
        for doc in documents
    )
    started = time.perf_counter()
    for ok, item in helpers.streaming_bulk(client, actions, chunk_size=batch_size):
        assert ok, item
    client.indices.put_settings(index=RAW_INDEX, body=serving_settings(spec))
    client.indices.refresh(index=RAW_INDEX)
    return {"docs": len(documents), "seconds": time.perf_counter() - started}


def child_dsl(batch_size: int) -> dict:
    from django.core.management import call_command

    from commands.models import Product

    call_command("opensearch", "index", "rebuild", "--force", verbosity=0)
    out = io.StringIO()
    started = time.perf_counter()
    call_command(
        "opensearch",
        "document",
        "index",
        "--force",
        "--parallel",
        stdout=out,
        verbosity=0,
    )
    return {"docs": Product.objects.count(), "seconds": time.perf_counter() - started}


def child(kind: str, batch_size: int) -> None:
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    if kind == "cleanup":
        harness.clear_stores(NAMESPACE)
        return
    runs = {"rebuild": child_rebuild, "raw": child_raw, "dsl": child_dsl}
    harness.print_child_result(runs[kind](batch_size))


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.child:
        child(arguments.child, arguments.batch_size)
    else:
        main(arguments)
