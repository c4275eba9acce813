"""Stalls: freshness with a long transaction open, and the reader's cost per batch.

(1) With a real `outbox_listener` and worker, renames customers at a steady
    rate (default 5 writes/s) and measures commit -> every projection's
    watermark sees the write (what read-your-writes waits for): p50/p99 with
    no long transaction (the baseline), with one held open in ANOTHER database
    of the same server for --hold seconds, and with one in THIS database that
    writes an event and commits after --hold seconds; ratios to the baseline,
    and when the long writer's own event became visible after its commit.
(2) Reader cost: `read_batch` of a pair holding 10 new events, while a long
    transaction is open that holds back K events of its own (uncommitted) and
    others committed M events since it began, for K = 0, 10k, 100k: median
    ms per batch (should stay flat).

Long transactions hold the cluster-wide xmin, which stalls every other
reader on the server that still waits for it: run this against a private
PostgreSQL (PGPORT=...), not a shared one.

    PGPORT=54611 .venv/bin/python bench/stall_bench.py              # 60 s holds
    PGPORT=54611 .venv/bin/python bench/stall_bench.py --hold 20 --rate 5
"""

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import harness
import psycopg

NAMESPACE = "sbench"
CUSTOMERS = 50
WRITES = itertools.count()
POLL = 0.002  # seconds between checks for a write's visibility

RAW_EVENT = """
INSERT INTO commands_outboxevent (event_id, aggregate_type, aggregate_id,
    aggregate_version, shard, event_type, schema_version, payload, occurred_at,
    correlation_id)
SELECT gen_random_uuid(), 'bench', 'held-' || n, 1, n %% 256, 'BenchHeld', 1,
       '{}', now(), ''
FROM generate_series(1, %s) AS n
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=5.0, help="writes/s")
    parser.add_argument("--hold", type=float, default=60.0, help="long tx seconds")
    parser.add_argument("--reads", type=int, default=30, help="reads per cost row")
    parser.add_argument(
        "--held", default="0,10000,100000", help="events held back (cost rows)"
    )
    return parser.parse_args()


def projectors() -> list[subprocess.Popen]:
    from django.db import connection

    env = {
        **os.environ,
        "PGDATABASE": connection.settings_dict["NAME"],
        "LOG_LEVEL": "WARNING",
        "dramatiq_worker_timeout": "1000",
    }
    logs = harness.log_dir()
    python = sys.executable
    return [
        harness.start(
            [python, "manage.py", "outbox_listener", "--verbosity", "0"],
            env=env,
            log=logs / "stall-listener.log",
        ),
        harness.start(
            [python, "manage.py", "rundramatiq", "--processes", "1", "--threads", "4"],
            env=env,
            log=logs / "stall-worker.log",
        ),
    ]


def seen_by_every_projection(txid: int) -> bool:
    from projections import registry
    from projections.running import watermarks

    return all(watermarks.read(name).sees(txid) for name in registry.names())


def rename(customer_id: int, n: int) -> tuple[int, float]:
    """One write through the handler: (its txid, commit time).

    `n` must never repeat: renaming to the same name emits no event.
    """
    from django.db import transaction

    from commands.handlers.customer import customer_update
    from commands.outbox import current_txid

    with transaction.atomic():
        customer_update(customer_id=customer_id, name=f"Customer {n}")
        txid = current_txid()
    return txid, time.perf_counter()


def steady_writes(
    *, customers: list[int], rate: float, seconds: float, timeout: float
) -> list[float]:
    """Writes at `rate` for `seconds`; commit → visible in every projection."""
    deadline = time.perf_counter() + seconds

    def write() -> tuple[Callable[[], bool], float]:
        n = next(WRITES)
        txid, committed = rename(customers[n % len(customers)], n)
        return (lambda: seen_by_every_projection(txid)), committed

    return harness.watched_writes(
        write,
        rate=rate,
        more=lambda _: time.perf_counter() < deadline,
        timeout=timeout,
        interval=POLL,
    )


def freshness_bench(*, database: str, rate: float, hold: float) -> None:
    from commands.handlers.customer import customer_register

    customers = [
        customer_register(email=f"c{n}@bench.example", name=f"C {n}").pk
        for n in range(CUSTOMERS)
    ]
    processes = projectors()
    try:
        harness.poll(
            lambda: seen_by_every_projection(latest_txid()), timeout=120, interval=POLL
        )
        rows = [("no long transaction", freshness(customers, rate, hold), "")]
        with psycopg.connect(harness.dsn("postgres")) as other:
            other.execute("SELECT pg_current_xact_id()")
            rows.append(
                (
                    f"{hold:g} s transaction, other database",
                    freshness(customers, rate, hold),
                    "",
                )
            )
        with psycopg.connect(harness.dsn(database)) as same:
            same.execute(RAW_EVENT, [1])
            own = int(same.execute("SELECT pg_current_xact_id()::text").fetchone()[0])
            samples = freshness(customers, rate, hold)
            held = not seen_by_every_projection(own)
            same.commit()
            arrived = harness.poll(
                lambda: seen_by_every_projection(own), timeout=60, interval=POLL
            )
            note = (
                f"own event held back while open: {held}; visible "
                f"{arrived * 1000:.0f} ms after its commit"
            )
            rows.append((f"{hold:g} s transaction, same database", samples, note))
    finally:
        for process in processes:
            harness.stop(process)
    report_freshness(rows, rate=rate)


def freshness(customers: list[int], rate: float, hold: float) -> list[float]:
    return steady_writes(
        customers=customers, rate=rate, seconds=hold, timeout=hold + 60
    )


def latest_txid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(txid)::text::bigint FROM commands_outboxevent")
        return int(cursor.fetchone()[0])


def report_freshness(rows: list[tuple[str, list[float], str]], *, rate: float) -> None:
    base = harness.p50_p99(rows[0][1])[0]
    print(f"freshness at {rate:g} writes/s (commit -> every watermark sees it):")
    for name, samples, note in rows:
        p50, p99 = harness.p50_p99(samples)
        print(
            f"  {name:<38} n={len(samples):4d}  p50 {p50 * 1000:7.1f} ms  "
            f"p99 {p99 * 1000:7.1f} ms  p50 ratio {p50 / base:5.2f}x"
        )
        if note:
            print(f"    {note}")


# -------------------------------------------------------------- reader cost


def cost_bench(*, database: str, held_counts: list[int], reads: int) -> None:
    print("reader cost per batch (10 new events) with a long transaction open:")
    for held in held_counts:
        ms = cost_with_held(database=database, held=held, reads=reads)
        print(f"  {held:>7,} events held back, 20,000 committed since: {ms:6.2f} ms")


def cost_with_held(*, database: str, held: int, reads: int) -> float:
    from commands.outbox import ReadPosition, read_batch

    with psycopg.connect(harness.dsn(database)) as long_tx:
        long_tx.execute(RAW_EVENT, [held])
        long_tx.execute("SELECT pg_current_xact_id()")
        commit_events(20_000, per_transaction=500)
        position = caught_up(ReadPosition(since=current_snapshot()))
        times = []
        for _ in range(reads):
            commit_events(10, per_transaction=10)
            started = time.perf_counter()
            batch = read_batch(position=position, limit=500)
            times.append(time.perf_counter() - started)
            assert len(batch.events) == 10, len(batch.events)
            position = batch.next
        long_tx.rollback()
    return statistics.median(times) * 1000


def commit_events(count: int, *, per_transaction: int) -> None:
    from django.db import connection

    for start_ in range(0, count, per_transaction):
        with connection.cursor() as cursor:
            cursor.execute(RAW_EVENT, [min(per_transaction, count - start_)])


def current_snapshot() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return str(cursor.fetchone()[0])


def caught_up(position):
    from commands.outbox import read_batch

    while True:
        batch = read_batch(position=position, limit=5000)
        position = batch.next
        if batch.complete:
            return position


def main() -> None:
    args = parse_args()
    database = f"{NAMESPACE}_{os.getpid()}"
    harness.run_sql(f'CREATE DATABASE "{database}"', database="postgres")
    try:
        harness.setup_django(database, namespace=NAMESPACE)
        harness.clear_stores(NAMESPACE, dramatiq=True)
        import dramatiq

        dramatiq.get_broker().flush_all()
        freshness_bench(database=database, rate=args.rate, hold=args.hold)
        cost_bench(
            database=database,
            held_counts=[int(n) for n in args.held.split(",")],
            reads=args.reads,
        )
    finally:
        harness.tear_down(database, namespace=NAMESPACE)


if __name__ == "__main__":
    main()
