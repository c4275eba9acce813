"""Projection engine: backlog catch-up throughput and commit-to-visible freshness.

(1) Builds a backlog of product events (product_create: ProductCreated +
    StockAdjusted) in a throwaway database, then times a real `rundramatiq`
    worker (1 process x 4 threads by default) bringing the `products`
    projection up to date, and a raw `opensearchpy.helpers.bulk` of the very
    documents it produced, one index operation per event, into a fresh index
    with the same mapping. Median of --rounds; prints events/s, docs/s and
    their ratio (goal >= 0.7).
(2) With a real `outbox_listener` and worker running, commits stock
    adjustments at a steady rate and measures commit -> visible in Redis (the
    stock hash), in an OpenSearch realtime GET of the product document and in
    an OpenSearch search (which also waits for the 1 s index refresh):
    p50/p99, and the first write after 10 s of idleness.

    .venv/bin/python bench/projection_bench.py                 # 20,000 events
    .venv/bin/python bench/projection_bench.py --events 100000
"""

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import harness

GOAL = 0.7
NAMESPACE = f"pbench{os.getpid()}"  # one run's own indices, keys and queues


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000, help="backlog size")
    parser.add_argument("--rate", type=float, default=5.0, help="writes/s (freshness)")
    parser.add_argument("--seconds", type=float, default=15.0, help="freshness run")
    parser.add_argument("--skip-freshness", action="store_true")
    parser.add_argument(
        "--batch", type=int, default=None, help="CQRS BATCH_SIZE and LOAD_CHUNK"
    )
    parser.add_argument("--segments", type=int, default=None, help="CQRS SEGMENTS")
    parser.add_argument("--rounds", type=int, default=3, help="catch-up rounds")
    parser.add_argument("--processes", type=int, default=1, help="worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")
    return parser.parse_args()


def tune(*, batch: int | None, segments: int | None) -> None:
    """Engine tunables for this process and (through the environment) its workers."""
    if batch:
        os.environ["CQRS_BATCH_SIZE"] = os.environ["CQRS_LOAD_CHUNK"] = str(batch)
    if segments:
        os.environ["CQRS_SEGMENTS"] = str(segments)


# ------------------------------------------------------------------ backlog


def build_backlog(events: int) -> list[int]:
    """`events` outbox events from product_create, 500 products per transaction."""
    from django.db import transaction

    from commands.handlers.category import category_create
    from commands.handlers.product import product_create

    root = category_create(name="Bench root").pk
    leaves = [category_create(name=f"Bench {n}", parent_id=root).pk for n in range(10)]
    products: list[int] = []
    for start in range(0, events // 2, 500):
        with transaction.atomic():
            for n in range(start, min(start + 500, events // 2)):
                products.append(
                    product_create(
                        sku=f"B-{n}",
                        name=f"Bench product {n}",
                        description="A product created by the projection benchmark.",
                        category_id=leaves[n % len(leaves)],
                        price="19.99",
                        status="active",
                        attributes={"color": "blue", "weight_g": 250},
                        initial_stock=10,
                    ).pk
                )
    return products


def start_worker(*, processes: int, threads: int, name: str) -> subprocess.Popen:
    """A real `rundramatiq` worker; returns once it processes messages."""
    from projections.running.heartbeat import heartbeat, heartbeat_key

    worker = harness.start(
        [
            sys.executable,
            "manage.py",
            "rundramatiq",
            "--processes",
            str(processes),
            "--threads",
            str(threads),
        ],
        env=process_env(),
        log=harness.log_dir() / f"bench-{name}.log",
    )
    token = f"bench-{name}-{os.getpid()}"
    heartbeat.send(token)
    harness.poll(lambda: redis().get(heartbeat_key(token)) is not None, timeout=60)
    return worker


def catch_up(projection: str) -> float:
    """Seconds for the running worker to apply the whole backlog to `projection`."""
    from django.db.models import Sum

    from projections.actors import project_segment
    from projections.lifecycle import generations
    from projections.models import SegmentCheckpoint

    generation = generations.ensure_live_generation(projection)
    total = outbox_count()
    segments = SegmentCheckpoint.objects.filter(projection=projection)

    def done() -> bool:
        applied = segments.aggregate(n=Sum("events_applied"))["n"] or 0
        return applied >= total

    started = time.perf_counter()
    for segment in range(generation.segments):
        project_segment.send(projection, segment, None)
    harness.poll(done, timeout=600, interval=0.02)
    return time.perf_counter() - started


def reset(projection: str) -> None:
    """Forget the projection's progress and documents, for another round."""
    from config import connections
    from projections import naming, registry
    from projections.lifecycle import generations
    from projections.models import SegmentCheckpoint

    connections.opensearch().indices.delete(
        index=f"{naming.alias(projection)}-*", ignore_unavailable=True
    )
    # Empty again at once: a live generation whose index is missing is lost
    # (projections.lifecycle.losses), and the worker would rebuild, not catch up.
    live = generations.live_generation(projection)
    generations.store_for(
        spec=registry.get(projection), generation=live.generation
    ).ensure(live=True)
    SegmentCheckpoint.objects.filter(projection=projection).update(
        checkpoint_snapshot="1:1:",
        target_snapshot="",
        checkpoint_txid=0,
        checkpoint_position=0,
        horizon=0,
        events_applied=0,
    )


def redis():
    from config import connections

    return connections.redis_client()


def outbox_count() -> int:
    from commands.models import OutboxEvent

    return OutboxEvent.objects.count()


def raw_bulk_seconds(*, projection: str, operations: int, round_: int) -> float:
    """Seconds for a plain helpers.bulk of `operations` index operations of the
    projection's final documents (one per event, as the projection wrote them)
    into a fresh index with the same settings and mappings."""
    from opensearchpy import helpers

    from config import connections
    from projections import naming, registry

    client = connections.opensearch()
    source = naming.alias(projection)
    client.indices.refresh(index=source)
    documents = [
        (hit["_id"], hit["_source"]) for hit in helpers.scan(client, index=source)
    ]
    spec = registry.get(projection)
    target = f"{NAMESPACE}-raw-{projection}-{round_}"
    client.indices.create(
        index=target,
        body={"settings": dict(spec.index_settings), "mappings": spec.mappings},
    )
    actions = [
        {"_index": target, "_id": doc_id, "_source": document}
        for doc_id, document in (
            documents[n % len(documents)] for n in range(operations)
        )
    ]
    started = time.perf_counter()
    helpers.bulk(client, actions, chunk_size=500)
    seconds = time.perf_counter() - started
    client.indices.delete(index=target)
    return seconds


def outbox_head() -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT txid::text::bigint, position FROM commands_outboxevent "
            "ORDER BY txid DESC, position DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]))


def backlog_bench(*, events: int, rounds: int, processes: int, threads: int) -> None:
    print(f"building a backlog of {events} product events ...", flush=True)
    build_backlog(events)
    worker = start_worker(processes=processes, threads=threads, name="catch-up")
    projected, raw = [], []
    try:
        for round_ in range(rounds):
            if round_:
                reset("products")
            projected.append(catch_up("products"))
            raw.append(
                raw_bulk_seconds(
                    projection="products", operations=events, round_=round_
                )
            )
    finally:
        harness.stop(worker)
    seconds, raw_seconds = statistics.median(projected), statistics.median(raw)
    ratio = raw_seconds / seconds
    verdict = "OK" if ratio >= GOAL else "BELOW GOAL"
    print(
        f"projection catch-up ({processes} processes x {threads} threads), median of "
        f"{rounds}: {events} events in {seconds:.2f}s = {events / seconds:,.0f} events/s"
    )
    print(
        f"raw helpers.bulk, median of {rounds}: {events} documents in "
        f"{raw_seconds:.2f}s = {events / raw_seconds:,.0f} docs/s"
    )
    print(f"ratio (events/s over docs/s) = {ratio:.2f} (goal >= {GOAL}) {verdict}")


# ---------------------------------------------------------------- freshness


def process_env() -> dict[str, str]:
    from django.db import connection

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.write",
        "PGDATABASE": connection.settings_dict["NAME"],
        "CQRS_NAMESPACE": NAMESPACE,
        "LOG_LEVEL": "WARNING",
        # An idle Dramatiq consumer polls Redis with a backoff up to this many
        # ms (default 1000): it bounds how long a wake-up message waits.
        "dramatiq_worker_timeout": os.environ.get("dramatiq_worker_timeout", "1000"),
    }


def commit_adjustment(product_id: int) -> tuple[int, int, float]:
    """Commit one stock adjustment: (product id, new stock version, commit time)."""
    from commands.handlers.stock import stock_adjust

    stock = stock_adjust(product_id=product_id, delta=1, reason="bench")
    return product_id, stock.version, time.perf_counter()


def watch(product_id: int, version: int, committed: float) -> tuple[float, ...]:
    """Seconds from commit until Redis, an OpenSearch GET and a search show it."""
    from config import connections
    from projections import naming
    from projections.stock import schema as stock_schema

    redis_key = stock_schema.key(generation="1", product_id=product_id)
    client, search = connections.redis_client(), connections.opensearch()
    alias = naming.alias("products")

    def in_redis() -> bool:
        return int(client.hget(redis_key, "version") or 0) >= version

    def in_get() -> bool:
        found = search.get(index=alias, id=str(product_id), ignore=404)
        return found.get("found") and found["_source"]["versions"]["stock"] >= version

    def in_search() -> bool:
        query = {
            "query": {
                "bool": {
                    "filter": [
                        {"term": {"id": product_id}},
                        {"range": {"versions.stock": {"gte": version}}},
                    ]
                }
            }
        }
        return search.search(index=alias, body=query)["hits"]["total"]["value"] > 0

    seen = []
    for condition in (in_redis, in_get, in_search):
        harness.poll(condition, interval=0.005)
        seen.append(time.perf_counter() - committed)
    return tuple(seen)


def caught_up() -> bool:
    """Every live projection's watermark has passed the newest outbox event."""
    from projections import registry
    from projections.running import watermarks

    head = outbox_head()[0]
    return all(watermarks.read(name).sees(head) for name in registry.names())


def percentiles(samples: list[float]) -> str:
    p50, p99 = harness.p50_p99(samples)
    return f"p50 {p50 * 1000:7.1f} ms   p99 {p99 * 1000:7.1f} ms"


def freshness_bench(*, products: list[int], rate: float, seconds: float) -> None:
    """Writes at a steady rate, each watched by its own thread until visible."""
    env, logs, python = process_env(), harness.log_dir(), sys.executable
    processes = [
        harness.start(
            [python, "manage.py", "outbox_listener", "--verbosity", "0"],
            env=env,
            log=logs / "bench-listener.log",
        ),
        start_worker(processes=1, threads=4, name="freshness"),
    ]
    try:
        harness.poll(
            caught_up, timeout=300, interval=0.2
        )  # the backlog, other projections
        with ThreadPoolExecutor(max_workers=64) as pool:
            watches = []
            deadline = time.perf_counter() + seconds
            for n in itertools.count():
                if time.perf_counter() > deadline:
                    break
                started = time.perf_counter()
                commit = commit_adjustment(products[n % len(products)])
                watches.append(pool.submit(watch, *commit))
                time.sleep(max(0.0, 1.0 / rate - (time.perf_counter() - started)))
            samples = [future.result() for future in watches]
        time.sleep(10)  # idle on purpose: the measured case
        idle = watch(*commit_adjustment(products[-1]))
    finally:
        for process in processes:
            harness.stop(process)
    print(f"freshness at {rate:g} writes/s, {len(samples)} writes:")
    for name, column in (
        ("Redis stock hash", 0),
        ("OpenSearch GET", 1),
        ("OpenSearch search", 2),
    ):
        print(f"  {name:<18} {percentiles([s[column] for s in samples])}")
    print(
        "  first write after 10 s idle: Redis {:.1f} ms, GET {:.1f} ms, "
        "search {:.1f} ms".format(*(v * 1000 for v in idle))
    )


def main() -> None:
    args = parse_args()
    database = f"{NAMESPACE}_{os.getpid()}"
    harness.run_sql(f'CREATE DATABASE "{database}"', database="postgres")
    try:
        tune(batch=args.batch, segments=args.segments)
        harness.setup_django(database, namespace=NAMESPACE)
        harness.clear_stores(NAMESPACE, dramatiq=True)
        import dramatiq

        dramatiq.get_broker().flush_all()
        backlog_bench(
            events=args.events,
            rounds=args.rounds,
            processes=args.processes,
            threads=args.threads,
        )
        if not args.skip_freshness:
            from commands.models import Product

            products = list(Product.objects.values_list("id", flat=True)[:50])
            freshness_bench(products=products, rate=args.rate, seconds=args.seconds)
    finally:
        harness.tear_down(database, namespace=NAMESPACE)


if __name__ == "__main__":
    main()
