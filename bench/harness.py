"""What the benchmarks share: the database DSN, Django set-up, store clean-up, processes.

Every benchmark runs as a script (`python bench/<x>.py`, and so do the child
processes rebuild_bench and version_bench start from their own file), so this
folder is first on `sys.path` and `import harness` finds this module. Django
and the project's modules are imported inside the functions: they need
`setup_django` (or a child's environment) first.
"""

import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent


def dsn(database: str) -> str:
    """libpq DSN of `database` on the server PGHOST/PGPORT/PGUSER/PGPASSWORD name."""
    return (
        f"host={os.environ.get('PGHOST', '127.0.0.1')} "
        f"port={os.environ.get('PGPORT', '54329')} "
        f"user={os.environ.get('PGUSER', 'cqrs')} "
        f"password={os.environ.get('PGPASSWORD', 'cqrs')} "
        f"dbname={database}"
    )


def run_sql(sql: str, *, database: str) -> None:
    """Run one statement in `database` outside a transaction (CREATE/DROP DATABASE)."""
    with psycopg.connect(dsn(database), autocommit=True) as conn:
        conn.execute(sql)


def setup_django(database: str, *, namespace: str | None = None) -> None:
    """Set up Django's write role on `database` (in `namespace`) and migrate it."""
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.write"
    os.environ["PGDATABASE"] = database
    if namespace is not None:
        os.environ["CQRS_NAMESPACE"] = namespace
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def child_env(database: str, *, namespace: str) -> dict[str, str]:
    """Environment of a child process on `database` in `namespace` (write role)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.write",
        "CQRS_NAMESPACE": namespace,
        "PGDATABASE": database,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }


def clear_stores(namespace: str, *, dramatiq: bool = False) -> None:
    """Drop `{namespace}-*` indices and `{namespace}:*` keys (and Dramatiq's `-*`)."""
    from config import connections

    connections.opensearch().indices.delete(
        index=f"{namespace}-*", ignore_unavailable=True
    )
    client = connections.redis_client()
    patterns = [f"{namespace}:*", f"{namespace}-*"] if dramatiq else [f"{namespace}:*"]
    for pattern in patterns:
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)


def tear_down(database: str, *, namespace: str) -> None:
    """Close Django's connections, clear the stores (and broker queues) of
    `namespace`, and drop the throwaway `database`."""
    from django.db import connections

    connections.close_all()
    clear_stores(namespace, dramatiq=True)
    run_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)', database="postgres")


def log_dir() -> Path:
    """The folder the benchmarks' processes log into (created if missing)."""
    logs = REPO / ".local" / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs


def start(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `args` in the repository, in its own session, output into `log`."""
    return subprocess.Popen(
        args,
        cwd=REPO,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process group `start` made and wait for it to exit."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


def poll(
    condition: Callable[[], bool], *, timeout: float = 30.0, interval: float = 0.001
) -> float:
    """Seconds until `condition()` holds."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"not visible within {timeout}s")
        time.sleep(interval)
    return time.perf_counter() - started


def watched_writes(
    write: Callable[[], tuple[Callable[[], bool], float]],
    *,
    rate: float,
    more: Callable[[int], bool],
    timeout: float = 60.0,
    interval: float = 0.001,
) -> list[float]:
    """Call `write()` `rate` times a second while `more(writes so far)`. Each
    write returns (is it visible?, its commit time); a thread polls the first
    and records the seconds from commit to visible. Returns those seconds."""
    samples: list[float] = []
    watchers: list[threading.Thread] = []

    def watch(visible: Callable[[], bool], committed: float) -> None:
        poll(visible, timeout=timeout, interval=interval)
        samples.append(time.perf_counter() - committed)

    n = 0
    while more(n):
        began = time.perf_counter()
        watcher = threading.Thread(target=watch, args=write())
        watcher.start()
        watchers.append(watcher)
        n += 1
        time.sleep(max(0.0, 1.0 / rate - (time.perf_counter() - began)))
    for watcher in watchers:
        watcher.join()
    return samples


def p50_p99(samples: list[float]) -> tuple[float, float]:
    """The median and the 99th percentile (nearest rank) of `samples`."""
    ordered = sorted(samples)
    return (
        statistics.median(ordered),
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    )


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def print_child_result(result: dict) -> None:
    """Print a child's `result` with its peak RSS: the JSON line its parent reads."""
    print(json.dumps({**result, "peak_rss_mb": peak_rss_mb()}))


def child_result(stdout: str) -> dict:
    """The result a child printed (as `print_child_result` does) last on `stdout`."""
    return json.loads(stdout.strip().splitlines()[-1])
