"""Read latency under mixed load: readers alone, then readers plus ~20 writes/s.

A private stack started the way `make demo` starts one (`scripts/run.sh start`:
supervisord, gunicorn write and read APIs, outbox listener, Dramatiq worker,
metrics server) on free loopback ports, over a throwaway database and its own
namespace, seeded with `manage.py seed_demo` at `make demo`'s sizes. Then two
Locust phases (headless, bounded, `bench/mixed_locustfile.py`):

  idle   --readers consumers, each with its own API key, over every read
         endpoint (filters, search, facets, suggest, details, cursor walks
         following `next`), thinking --reader-wait s between tasks;
  mixed  the same readers plus staff writers at --write-rate writes/s through
         the HTTP write API (price edits, stock deliveries, orders).

Prints p50/p95/p99 per endpoint for both phases, mixed/idle ratios against the
goal (p50 <= 3x idle, p99 <= 10x idle, over all reads), request and error
counts, writes/s achieved, projection lag (`projection_status`, sampled every
--lag-interval s through the mixed phase), CPU per process over each phase, and
the load average. Exits 1 when any request failed. Needs Locust
(`bench/requirements-bench.txt`) and the services (`make up`, or private ones
through PGPORT/REDIS_PORT/OPENSEARCH_PORT as for the other benchmarks).

    .venv/bin/python bench/mixed_load_bench.py                 # 16 readers, 20 w/s, 2 x 30 s
    .venv/bin/python bench/mixed_load_bench.py --duration 60 --products 10000 \
        --customers 1000 --orders 5000                           # seed_demo's own defaults
"""

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import harness

REPO = harness.REPO
sys.path.insert(0, str(REPO))

from tests.processes import free_port, poll_until  # noqa: E402

if TYPE_CHECKING:
    from projections.visibility import TxSnapshot

LOCUSTFILE = REPO / "bench" / "mixed_locustfile.py"
GOAL_P50, GOAL_P99 = 3.0, 10.0
PROGRAMS = ("write", "read", "worker", "listener", "metrics")
MACHINE = "machine, all processes"
TICKS = os.sysconf("SC_CLK_TCK")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--readers", type=int, default=16, help="reader users (one API key each)")
    add("--reader-wait", type=float, default=1.0, help="mean think time, s")
    add("--write-rate", type=float, default=20.0, help="writes/s in the mixed phase")
    add("--writers", type=int, default=0, help="writer users (0: rate / 2)")
    add("--duration", type=float, default=30.0, help="measured seconds per phase")
    add("--warmup", type=float, default=5.0, help="unmeasured seconds per phase")
    add("--walk-pages", type=int, default=5, help="pages per cursor walk")
    add("--lag-interval", type=float, default=0.25, help="s between lag samples")
    add("--products", type=int, default=2000, help="seed_demo size (make demo's)")
    add("--customers", type=int, default=200)
    add("--orders", type=int, default=1000)
    add("--namespace", default="mixedbench")
    return parser.parse_args()


# ---------------------------------------------------------------- the stack


class Stack:
    """Every process `make demo` runs, under supervisord through scripts/run.sh."""

    def __init__(self, *, database: str, namespace: str) -> None:
        self.home = harness.log_dir().parent / "mixed-bench"
        self.ports = {role: free_port() for role in ("write", "read", "metrics")}
        self.env = {
            **harness.child_env(database, namespace=namespace),
            "CQRS_HOME": str(self.home),
            "WRITE_PORT": str(self.ports["write"]),
            "READ_PORT": str(self.ports["read"]),
            "CQRS_METRICS_PORT": str(self.ports["metrics"]),
        }
        self.env.pop("LOG_LEVEL")  # the demo's own log level and access logs

    def url(self, role: str) -> str:
        return f"http://127.0.0.1:{self.ports[role]}"

    def run_sh(self, *args: str) -> str:
        done = subprocess.run(
            ["bash", "scripts/run.sh", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if done.returncode != 0 and args[0] != "ctl":
            raise RuntimeError(f"run.sh {' '.join(args)}: {done.stderr or done.stdout}")
        return done.stdout

    def start(self) -> None:
        shutil.rmtree(self.home, ignore_errors=True)
        self.run_sh("start")

    def stop(self) -> None:
        self.run_sh("stop")

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=1800,
        )
        return done.stdout

    def program_pids(self) -> dict[str, int]:
        pids = {p: int(self.run_sh("ctl", "pid", p).strip() or 0) for p in PROGRAMS}
        pids["supervisord"] = int(self.run_sh("ctl", "pid").strip())
        return pids

    def ready(self) -> bool:
        return all(
            _status(self.url(role) + "/readyz") == 200 for role in ("write", "read")
        )


def _status(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


# ---------------------------------------------------------------- the data


def seed(stack: Stack, args: argparse.Namespace) -> str:
    """`manage.py seed_demo` at the given sizes; returns the staff token it printed."""
    out = stack.manage(
        "seed_demo",
        "--products", str(args.products),
        "--customers", str(args.customers),
        "--orders", str(args.orders),
    )  # fmt: skip
    prefix = "Write API staff token: "
    return next(line for line in out.splitlines() if line.startswith(prefix))[
        len(prefix) :
    ].strip()


def reader_keys(n: int) -> list[str]:
    """One read-API key per reader (each has its own quota, as consumers do)."""
    from commands.correlation import correlation_scope
    from commands.handlers.apikey import apikey_issue

    with correlation_scope():
        return [
            apikey_issue(name=f"mixed bench {i}", scopes="catalog:read,orders:read")[1]
            for i in range(n)
        ]


def write_pool(size: int = 200) -> list[int]:
    """Active products the writers edit and order, stocked so no order runs short."""
    from commands.correlation import correlation_scope
    from commands.handlers.stock import stock_adjust
    from commands.models import Product

    ids = list(
        Product.objects.filter(status="active", deleted=False).values_list(
            "id", flat=True
        )
    )
    pool = random.Random(7).sample(ids, k=min(size, len(ids)))
    with correlation_scope():
        for pk in pool:
            stock_adjust(product_id=pk, delta=100_000, reason="mixed bench stock")
    return pool


def plan(*, stack: Stack, args: argparse.Namespace, token: str, keys: list[str],
         pool: list[int], writers: int) -> dict:  # fmt: skip
    """What the locustfile picks from: URLs, credentials, ids, words."""
    from django.db.models import Max, Min

    from commands.models import Category, Customer, Order, Product

    rng = random.Random(11)
    products = list(Product.objects.filter(deleted=False).values_list("id", flat=True))
    names = list(Product.objects.values_list("name", flat=True).order_by("?")[:60])
    words = sorted({w.lower() for n in names for w in n.split() if len(w) >= 4})
    span = Order.objects.aggregate(first=Min("placed_at"), last=Max("placed_at"))
    return {
        "read_url": stack.url("read"),
        "write_url": stack.url("write"),
        "readers": args.readers,
        "reader_wait": args.reader_wait,
        "reader_keys": keys,
        "writers": writers,
        "write_rate": args.write_rate,
        "staff_token": token,
        "walk_pages": args.walk_pages,
        "products": rng.sample(products, k=min(1000, len(products))),
        "write_products": pool,
        "customers": list(
            Customer.objects.filter(orders_count__gt=0).values_list("id", flat=True)
        ),
        "orders": list(Order.objects.values_list("id", flat=True).order_by("?")[:1000]),
        "categories": list(Category.objects.values_list("slug", flat=True)),
        "search_terms": words + [" ".join(rng.sample(words, k=2)) for _ in range(20)],
        "prefixes": [w[: rng.randint(2, 5)] for w in words],
        "placed_range": [span["first"].timestamp(), span["last"].timestamp()],
    }


# ---------------------------------------------------------------- watching


def caught_up() -> bool:
    """Every projection has a live generation and no event waits."""
    from projections import registry
    from projections.ops.status import projection_status

    rows = projection_status()
    live = {row.projection for row in rows}
    return live >= set(registry.names()) and not any(r.lag_events for r in rows)


def database_snapshot() -> "TxSnapshot":
    """PostgreSQL's current snapshot: the transactions committed so far."""
    from django.db import connection

    from projections.visibility import TxSnapshot

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return TxSnapshot.parse(cursor.fetchone()[0])


def watermarks() -> dict[str, "TxSnapshot"]:
    """Each projection's published watermark: what read-your-writes trusts."""
    from config import connections
    from projections import naming, registry
    from projections.visibility import TxSnapshot

    names = registry.names()
    values = connections.redis_client().mget([naming.watermark_key(n) for n in names])
    return {
        name: TxSnapshot.parse(_text(value)) if value else TxSnapshot.below(1)
        for name, value in zip(names, values, strict=True)
    }


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


@dataclass
class LagSampler:
    """How stale each read model is, every `interval` s, from a thread.

    Each sample takes PostgreSQL's snapshot, then the projections' watermarks;
    a projection's lag is the time since the newest earlier database snapshot
    its watermark covers (0 when it covers this one): everything committed up
    to then is readable. Two cheap calls, so the sampling itself costs little,
    unlike `projection_status` (which counts waiting events in the outbox).
    Resolution: `interval`.
    """

    interval: float
    lags: dict[str, list[float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._guarded, daemon=True)
        self._failure: BaseException | None = None

    def __enter__(self) -> "LagSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        if self._failure is not None:
            raise RuntimeError("the lag sampler failed") from self._failure

    def _guarded(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # raised again by __exit__, in the main thread
            self._failure = exc

    def _run(self) -> None:
        from django.db import connection

        history: list[tuple[float, TxSnapshot]] = []
        try:
            while not self._stop.wait(self.interval):
                now = time.monotonic()
                history.append((now, database_snapshot()))
                for name, mark in watermarks().items():
                    seen = next(
                        (t for t, snap in reversed(history) if mark.covers(snap)),
                        history[0][0],
                    )
                    self.lags.setdefault(name, []).append(now - seen)
        finally:
            connection.close()

    def overall(self) -> list[float]:
        """Per sample, the lag of the stalest projection."""
        return [max(values) for values in zip(*self.lags.values(), strict=True)]


def seconds_until_fresh() -> float:
    """Seconds until every watermark covers what is committed now."""
    target = database_snapshot()
    return harness.poll(
        lambda: all(mark.covers(target) for mark in watermarks().values()),
        timeout=300,
        interval=0.05,
    )


def service_pids() -> dict[str, int]:
    """The postmaster, redis-server and OpenSearch's JVM of the services in use,
    those that run on this machine (not in a container or elsewhere)."""
    from django.db import connection

    from config import connections

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    nodes = connections.opensearch().nodes.info(node_id="_local", metric="process")
    found = {
        "postgres": _stat(backend)[1] if Path(f"/proc/{backend}").exists() else 0,
        "redis": int(connections.redis_client().info("server")["process_id"]),
        "opensearch": next(iter(nodes["nodes"].values()))["process"]["id"],
    }
    return {name: pid for name, pid in found.items() if _is_local(pid, name)}


def _is_local(pid: int, name: str) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return {"postgres": b"postgres", "redis": b"redis", "opensearch": b"java"}[
        name
    ] in command


def _stat(pid: int) -> list[int]:
    """Numeric fields of /proc/<pid>/stat after the command: [state?, ppid, ...]."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return [0] + [int(value) for value in fields[1:]]


def _tree(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                continue
    return found


def cpu_seconds(root: int) -> float:
    """CPU of a process tree: every live process plus the children it reaped."""
    total = 0
    for pid in _tree(root):
        try:
            stat = _stat(pid)
        except OSError:
            continue
        total += sum(stat[11:15])  # utime, stime, cutime, cstime
    return total / TICKS


def own_cpu_seconds(pid: int) -> float:
    """CPU of one process alone (supervisord: its children are counted apart)."""
    return sum(_stat(pid)[11:13]) / TICKS


def snapshot(roots: dict[str, int], supervisor: int) -> dict[str, float]:
    """CPU seconds so far of each process tree, of this process and of the machine."""
    seconds = {name: cpu_seconds(pid) for name, pid in roots.items()}
    seconds["supervisord (log pipes)"] = own_cpu_seconds(supervisor)
    seconds["bench (lag sampler)"] = time.process_time()
    fields = [int(v) for v in Path("/proc/stat").read_text().split()[1:11]]
    seconds["kernel irq + softirq"] = (fields[5] + fields[6]) / TICKS
    # user nice system idle iowait irq softirq steal: busy = all but idle, iowait
    seconds[MACHINE] = (sum(fields[:8]) - fields[3] - fields[4]) / TICKS
    seconds["wall"] = time.monotonic()
    return seconds


# ---------------------------------------------------------------- phases


@dataclass
class Phase:
    name: str
    samples: list[tuple[float, str, str, float, str]]
    measured: float
    cpu: dict[str, float]
    load: tuple[float, float]
    lag: LagSampler


def run_phase(*, name: str, classes: list[str], users: int, roots: dict[str, int],
              args: argparse.Namespace, plan_path: Path) -> Phase:  # fmt: skip
    """One Locust run; the samples of its last --duration seconds, CPU per process."""
    out = harness.log_dir() / f"mixed-{name}-samples.json"
    out.unlink(missing_ok=True)
    env = {
        **os.environ,
        "MIXED_BENCH_PLAN": str(plan_path),
        "MIXED_BENCH_SAMPLES": str(out),
    }
    # Locust runs past the window (its own start-up eats into the warm-up).
    run_time = math.ceil(args.warmup + args.duration + 3)
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE),
               "--headless", "-u", str(users), "-r", str(users), "-t", f"{run_time}s",
               "--stop-timeout", "10", "--only-summary", "--loglevel", "WARNING",
               *classes]  # fmt: skip
    load_before = os.getloadavg()[0]
    log = harness.log_dir() / f"mixed-{name}-locust.log"
    locust = harness.start(command, env=env, log=log)
    roots = dict(roots)
    supervisor = roots.pop("supervisord")
    roots = {**roots, "locust": locust.pid}
    with LagSampler(args.lag_interval) as lag:
        time.sleep(args.warmup)  # the warm-up itself, not a wait for a condition
        before, first = snapshot(roots, supervisor), time.time()
        time.sleep(args.duration)  # the measured window itself
        after, last = snapshot(roots, supervisor), time.time()
        load_after = os.getloadavg()[0]
        if locust.wait(timeout=run_time + 60) != 0 and not out.exists():
            raise RuntimeError(f"Locust failed; see {log}")
    elapsed = after["wall"] - before["wall"]
    cpu = {k: 100 * (after[k] - before[k]) / elapsed for k in before if k != "wall"}
    samples = [s for s in json.loads(out.read_text()) if first <= s[0] <= last]
    measured = last - first
    return Phase(name, samples, measured, cpu, (load_before, load_after), lag)


# ---------------------------------------------------------------- report


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else math.nan
    )


def by_name(phase: Phase) -> dict[str, list[tuple[float, str]]]:
    rows: dict[str, list[tuple[float, str]]] = {}
    for _, method, name, ms, error in phase.samples:
        rows.setdefault(f"{method} {name}", []).append((ms, error))
    return rows


def cells(values: list[tuple[float, str]]) -> str:
    ms = [v for v, _ in values]
    if not ms:
        return f"{'-':>6} {'-':>8} {'-':>8} {'-':>8}"
    return (f"{len(ms):>6} {percentile(ms, .5):8.1f} {percentile(ms, .95):8.1f} "
            f"{percentile(ms, .99):8.1f}")  # fmt: skip


def report(idle: Phase, mixed: Phase, *, args: argparse.Namespace) -> int:
    """Print every figure; the number of failed requests."""
    a, b = by_name(idle), by_name(mixed)
    print(f"\n{args.readers} readers (think {args.reader_wait:g} s), walks of "
          f"{args.walk_pages} pages; mixed adds {args.write_rate:g} writes/s; "
          f"{args.duration:g} s measured per phase after {args.warmup:g} s warm-up; "
          f"seed {args.products}/{args.customers}/{args.orders}; cores: {os.cpu_count()}")  # fmt: skip
    print(f"load average (1 min) idle {idle.load[0]:.2f} -> {idle.load[1]:.2f}, "
          f"mixed {mixed.load[0]:.2f} -> {mixed.load[1]:.2f}")  # fmt: skip
    head = f"{'n':>6} {'p50':>8} {'p95':>8} {'p99':>8}"
    print(
        f"\n{'endpoint (ms)':<42} {'idle':^33} {'mixed':^33}  {'p50 x':>6} {'p99 x':>6} {'err':>4}"
    )
    print(f"{'':<42} {head} {head}")
    names = sorted(set(a) | set(b), key=lambda n: (n.startswith("GET"), n))
    errors = 0
    for name in names:
        ra, rb = a.get(name, []), b.get(name, [])
        failed = sum(1 for _, e in ra + rb if e)
        errors += failed
        print(
            f"{name:<42} {cells(ra)} {cells(rb)}  {ratio(ra, rb, 0.5)} {ratio(ra, rb, 0.99)} {failed:>4}"
        )
    reads_a = [s for n, rows in a.items() if n.startswith("GET") for s in rows]
    reads_b = [s for n, rows in b.items() if n.startswith("GET") for s in rows]
    print(f"{'all reads':<42} {cells(reads_a)} {cells(reads_b)}  "
          f"{ratio(reads_a, reads_b, .5)} {ratio(reads_a, reads_b, .99)}")  # fmt: skip
    p50x = _ratio(reads_a, reads_b, 0.5)
    p99x = _ratio(reads_a, reads_b, 0.99)
    print(f"\nreads mixed/idle: p50 {p50x:.2f}x {goal(p50x <= GOAL_P50, '<=', GOAL_P50)}, "
          f"p99 {p99x:.2f}x {goal(p99x <= GOAL_P99, '<=', GOAL_P99)}")  # fmt: skip
    print(
        f"reads/s: idle {len(reads_a) / idle.measured:.1f}, mixed {len(reads_b) / mixed.measured:.1f}"
    )
    writes = [s for n, rows in b.items() if not n.startswith("GET") for s in rows]
    done = [w for w in writes if not w[1]]
    print(f"writes: {len(writes)} sent, {len(done) / mixed.measured:.1f}/s acknowledged "
          f"(asked {args.write_rate:g}/s)")  # fmt: skip
    print_lag(mixed.lag)
    print_cpu(idle, mixed)
    print_errors([s for s in idle.samples + mixed.samples if s[4]])
    print(f"\nrequests: {len(idle.samples) + len(mixed.samples)}, errors: {errors}")
    return errors


def _ratio(a: list[tuple[float, str]], b: list[tuple[float, str]], q: float) -> float:
    base = percentile([v for v, _ in a], q)
    return percentile([v for v, _ in b], q) / base if a and b and base else math.nan


def ratio(a: list[tuple[float, str]], b: list[tuple[float, str]], q: float) -> str:
    return f"{_ratio(a, b, q):6.2f}"


def print_lag(lag: LagSampler) -> None:
    overall = lag.overall()
    if not overall:
        print("projection lag: no sample")
        return
    print(f"\nprojection lag through the mixed phase (watermark vs committed, "
          f"{len(overall)} samples every {lag.interval:g} s), seconds:")  # fmt: skip
    print(f"  {'projection':<24} {'p50':>6} {'p99':>6} {'max':>6}")
    for name, values in [*lag.lags.items(), ("stalest, per sample", overall)]:
        print(f"  {name:<24} {statistics.median(values):6.2f} "
              f"{percentile(values, .99):6.2f} {max(values):6.2f}")  # fmt: skip


def print_cpu(idle: Phase, mixed: Phase) -> None:
    print("\nCPU, % of one core over the measured window:")
    print(f"  {'process':<24} {'idle':>7} {'mixed':>7}")
    for name in idle.cpu:
        print(f"  {name:<24} {idle.cpu[name]:7.1f} {mixed.cpu[name]:7.1f}")
    rest = [phase.cpu[MACHINE] - sum(v for k, v in phase.cpu.items() if k != MACHINE)
            for phase in (idle, mixed)]  # fmt: skip
    print(f"  {'other tenants of the box':<24} {rest[0]:7.1f} {rest[1]:7.1f}")


def print_errors(failed: list[tuple[float, str, str, float, str]]) -> None:
    kinds: dict[str, int] = {}
    for _, method, name, _, error in failed:
        kinds[f"{method} {name}: {error[:120]}"] = (
            kinds.get(f"{method} {name}: {error[:120]}", 0) + 1
        )
    for kind, n in sorted(kinds.items(), key=lambda item: -item[1])[:20]:
        print(f"  error x{n}: {kind}")


def goal(ok: bool, relation: str, target: float) -> str:
    return f"(goal {relation} {target:g}x: {'met' if ok else 'MISSED'})"


# ---------------------------------------------------------------- main


def main() -> int:
    args = parse_args()
    if shutil.which("locust", path=str(Path(sys.executable).parent)) is None:
        sys.exit(
            "Locust is missing: .venv/bin/pip install -r bench/requirements-bench.txt"
        )
    writers = args.writers or max(1, math.ceil(args.write_rate / 2))
    database = f"{args.namespace}_{os.getpid()}"
    harness.run_sql(f'CREATE DATABASE "{database}"', database="postgres")
    stack = Stack(database=database, namespace=args.namespace)
    try:
        harness.setup_django(database, namespace=args.namespace)
        harness.clear_stores(args.namespace, dramatiq=True)
        started = time.perf_counter()
        token = seed(stack, args)
        keys, pool = reader_keys(args.readers), write_pool()
        print(f"seeded in {time.perf_counter() - started:.0f} s")
        stack.start()
        poll_until(stack.ready, timeout=300, interval=0.5)
        poll_until(caught_up, timeout=900, interval=1)
        headers = [{"Authorization": f"Api-Key {key}"} for key in keys]
        poll_until(lambda: all(_status(f"{stack.url('read')}/v1/products?page_size=1", h) == 200
                               for h in headers), timeout=120, interval=0.5)  # fmt: skip
        print(
            f"stack up and caught up {time.perf_counter() - started:.0f} s after the start"
        )
        plan_path = harness.log_dir() / "mixed-plan.json"  # holds the credentials
        plan_path.unlink(missing_ok=True)
        plan_path.touch(mode=0o600)
        plan_path.write_text(json.dumps(plan(stack=stack, args=args, token=token,
                                             keys=keys, pool=pool, writers=writers)))  # fmt: skip
        roots = {**stack.program_pids(), **service_pids()}
        idle = run_phase(name="idle", classes=["Reader"], users=args.readers,
                         roots=roots, args=args, plan_path=plan_path)  # fmt: skip
        mixed = run_phase(name="mixed", classes=["Reader", "Writer"],
                          users=args.readers + writers, roots=roots, args=args,
                          plan_path=plan_path)  # fmt: skip
        drained = seconds_until_fresh()
        errors = report(idle, mixed, args=args)
        print(f"every read model fresh {drained:.2f} s after the load stopped")
    finally:
        stack.stop()
        harness.tear_down(database, namespace=args.namespace)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
