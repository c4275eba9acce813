"""Idle cost and freshness: Dramatiq's polling broker vs the waking broker.

For each broker, with a real `outbox_listener` and worker (1 process, 4 threads):
(1) idle CPU, % of one core, of the worker (parent and children) and of
    redis-server over --idle seconds with no writes (utime+stime from /proc);
(2) commit -> visible in the Redis `stock` hash, p50/p99 of --writes stock
    adjustments at --rate writes/s.
Baseline: Dramatiq's `RedisBroker` polling every 20 ms (`bench/idle_settings.py`,
`dramatiq_worker_timeout=20`, the old Procfile). Candidate: `WakingRedisBroker`
(config/settings/write.py) with the new Procfile's `dramatiq_worker_timeout=1000`.
Run it against private services; redis-server must run on this machine.

    PGPORT=54359 REDIS_PORT=63820 OPENSEARCH_PORT=9239 .venv/bin/python bench/idle_bench.py
"""

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import harness

NAMESPACE = "ibench"
TICKS = os.sysconf("SC_CLK_TCK")
MODES = {
    "polling 20 ms": {
        "DJANGO_SETTINGS_MODULE": "bench.idle_settings",
        "dramatiq_worker_timeout": "20",
    },
    "waking (BLPOP 1 s)": {
        "DJANGO_SETTINGS_MODULE": "config.settings.write",
        "dramatiq_worker_timeout": "1000",
        "DRAMATIQ_WAKE_TIMEOUT_MS": "1000",
    },
}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=20.0, help="idle seconds")
    parser.add_argument("--writes", type=int, default=50)
    parser.add_argument("--rate", type=float, default=5.0, help="writes/s")
    return parser.parse_args()


def projectors(mode: dict[str, str]) -> tuple[subprocess.Popen, subprocess.Popen]:
    from django.db import connection

    env = {
        **harness.child_env(connection.settings_dict["NAME"], namespace=NAMESPACE),
        **mode,
    }
    logs = harness.log_dir()
    python = sys.executable
    listener = harness.start(
        [python, "manage.py", "outbox_listener", "--verbosity", "0"],
        env=env,
        log=logs / "idle-listener.log",
    )
    worker = harness.start(
        [python, "manage.py", "rundramatiq", "--processes", "1", "--threads", "4"],
        env=env,
        log=logs / "idle-worker.log",
    )
    return listener, worker


def tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            children = (task / "children").read_text().split()
            queue.extend(int(child) for child in children)
    return found


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def idle_cpu(*, worker: int, redis: int, seconds: float) -> tuple[float, float]:
    """% of one core used by the worker tree and by redis-server over `seconds`."""
    pids = tree(worker)
    before = (cpu_seconds(pids), cpu_seconds([redis]), time.monotonic())
    time.sleep(seconds)
    after = (cpu_seconds(pids), cpu_seconds([redis]), time.monotonic())
    elapsed = after[2] - before[2]
    return (
        100 * (after[0] - before[0]) / elapsed,
        100 * (after[1] - before[1]) / elapsed,
    )


def on_hand(product_id: int) -> int:
    from readapi.queries.generations import ReadModelMissing
    from readapi.queries.stock import stock_level

    try:
        level = stock_level(product_id)
    except ReadModelMissing:
        return -1
    return -1 if level is None else level["on_hand"]


def adjust(product_id: int) -> float:
    """One committed stock adjustment through the handler; its commit time."""
    from django.db import transaction

    from commands.handlers.stock import stock_adjust

    with transaction.atomic():
        stock_adjust(product_id=product_id, delta=1, reason="idle bench")
    return time.perf_counter()


def freshness(*, product_id: int, writes: int, rate: float) -> list[float]:
    """Commit → visible seconds of `writes` stock adjustments at `rate`."""
    expected = on_hand(product_id)

    def write() -> tuple[Callable[[], bool], float]:
        nonlocal expected
        expected += 1
        target = expected
        return (lambda: on_hand(product_id) >= target), adjust(product_id)

    return harness.watched_writes(write, rate=rate, more=lambda n: n < writes)


def run_mode(mode: dict[str, str], *, product_id: int, args) -> dict[str, float]:
    from config import connections

    redis_pid = int(connections.redis_client().info("server")["process_id"])
    listener, worker = projectors(mode)
    try:
        # Caught up and warm: one write seen, then a settle before measuring.
        target = on_hand(product_id) + 1
        adjust(product_id)
        harness.poll(lambda: on_hand(product_id) >= target, timeout=120)
        time.sleep(3)
        worker_cpu, redis_cpu = idle_cpu(
            worker=worker.pid, redis=redis_pid, seconds=args.idle
        )
        p50, p99 = harness.p50_p99(
            freshness(product_id=product_id, writes=args.writes, rate=args.rate)
        )
    finally:
        harness.stop(worker)
        harness.stop(listener)
    return {
        "worker": worker_cpu,
        "redis": redis_cpu,
        "p50": p50 * 1000,
        "p99": p99 * 1000,
    }


def report(results: dict[str, dict[str, float]], *, args) -> None:
    print(
        f"idle {args.idle:g} s, then {args.writes} stock writes at {args.rate:g}/s "
        f"(commit -> visible in the Redis stock hash); load average at the end: "
        f"{os.getloadavg()[0]:.2f}, cores: {os.cpu_count()}"
    )
    print(
        f"  {'broker':<20} {'worker CPU %':>12} {'redis CPU %':>12} {'sum %':>7}"
        f" {'p50 ms':>8} {'p99 ms':>8}"
    )
    for name, row in results.items():
        print(
            f"  {name:<20} {row['worker']:12.2f} {row['redis']:12.2f}"
            f" {row['worker'] + row['redis']:7.2f} {row['p50']:8.1f} {row['p99']:8.1f}"
        )
    base, new = results.values()
    print(
        f"  ratio waking/polling: idle CPU {ratio(new, base):.3f}x, "
        f"p50 {new['p50'] / base['p50']:.2f}x, p99 {new['p99'] / base['p99']:.2f}x"
    )


def ratio(new: dict[str, float], base: dict[str, float]) -> float:
    return (new["worker"] + new["redis"]) / (base["worker"] + base["redis"])


def main() -> None:
    args = parse_args()
    load = os.getloadavg()[0]
    database = f"{NAMESPACE}_{os.getpid()}"
    harness.run_sql(f'CREATE DATABASE "{database}"', database="postgres")
    try:
        harness.setup_django(database, namespace=NAMESPACE)
        harness.clear_stores(NAMESPACE, dramatiq=True)
        from commands.handlers.category import category_create
        from commands.handlers.product import product_create

        category = category_create(name="Idle bench")
        product = product_create(
            sku="IDLE-1", name="Idle", category_id=category.pk, price="1.00"
        )
        results = {
            name: run_mode(mode, product_id=product.pk, args=args)
            for name, mode in MODES.items()
        }
        print(f"load average at start: {load:.2f}")
        report(results, args=args)
    finally:
        harness.tear_down(database, namespace=NAMESPACE)


if __name__ == "__main__":
    main()
