"""A private platform stack, started the way `make demo` starts one.

Its own CQRS_HOME (a temporary folder), its own PostgreSQL, Redis and OpenSearch
(scripts/services.sh on free ports), migrate, a small seed, then every process
under supervisord (scripts/run.sh start, scripts/supervisord.conf) on free web
ports. The processes reach each store through a TCP proxy of this test process,
so a test can cut one store's connections without touching the store.
"""

import json
import os
import re
import shutil
import signal
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import redis

from tests.processes import (
    ROOT,
    child_pids,
    free_port,
    http_call,
    poll_until,
    run_to_end,
)
from tests.projections.netproxy import NetProxy

NAMESPACE = "chaos"
PROJECTIONS = (
    "products",
    "orders",
    "stock",
    "top_products",
    "customer_summary",
    "api_keys",
)
PROGRAMS = ("write", "read", "worker", "listener")
STORES = ("postgres", "redis", "opensearch")
# The stack's Redis runs with a password like every other (scripts/services.sh).
REDIS_PASSWORD = "chaos-redis-password"
# Variables of the surrounding (test) session that must not leak into the stack.
_FOREIGN = re.compile(r"^(DJANGO_|CQRS_|PG|REDIS_|OPENSEARCH_|DRAMATIQ_|dramatiq_)")


def _clean_environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not _FOREIGN.match(k)}


class PrivateStack:
    """Services, proxies and supervised processes of one private deployment."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: that is private to root, and PostgreSQL and
        # OpenSearch run as their own users.
        self.home = Path(tempfile.mkdtemp(prefix="cqrs-chaos-"))
        self.home.chmod(0o755)
        self.ports = {
            name: free_port()
            for name in ("postgres", "redis", "opensearch", "transport")
        }
        self.web = {"write": free_port(), "read": free_port()}
        self.metrics_port = free_port()
        self.proxies = {
            store: NetProxy(target_host="127.0.0.1", target_port=self.ports[store])
            for store in STORES
        }
        self.api_key = ""
        self.staff_token = ""

    # ------------------------------------------------------------ environments

    def services_env(self) -> dict[str, str]:
        return {
            **_clean_environ(),
            "CQRS_HOME": str(self.home),
            "PGPORT": str(self.ports["postgres"]),
            "REDIS_PORT": str(self.ports["redis"]),
            "REDIS_PASSWORD": REDIS_PASSWORD,
            "OPENSEARCH_PORT": str(self.ports["opensearch"]),
            "OPENSEARCH_TRANSPORT_PORT": str(self.ports["transport"]),
        }

    def app_env(self) -> dict[str, str]:
        """What run.sh and manage.py see: every store behind its proxy."""
        proxy = {store: self.proxies[store].port for store in STORES}
        return {
            **_clean_environ(),
            "CQRS_HOME": str(self.home),
            "CQRS_NAMESPACE": NAMESPACE,
            "DJANGO_SETTINGS_MODULE": "config.settings.write",
            "PGHOST": "127.0.0.1",
            "PGPORT": str(proxy["postgres"]),
            "REDIS_URL": redis_url(port=proxy["redis"]),
            "OPENSEARCH_URL": f"http://127.0.0.1:{proxy['opensearch']}",
            "WRITE_PORT": str(self.web["write"]),
            "READ_PORT": str(self.web["read"]),
            "CQRS_METRICS_PORT": str(self.metrics_port),
            "WRITE_WORKERS": "1",
            "READ_WORKERS": "1",
            "DRAMATIQ_THREADS": "2",
            "CQRS_READ_RATE": "100000/min",
            "CQRS_TICK_SECONDS": "1",
            "CQRS_LEASE_SECONDS": "5",
            "CQRS_WAKE_DEDUPE_MS": "2000",
            "CQRS_STORE_RETRY_SECONDS": "5",
            "CQRS_RUN_SECONDS": "5",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }

    # ------------------------------------------------------------ life cycle

    def start(self, *, seed_args: list[str]) -> None:
        self.services("up")
        self.manage("migrate", "--noinput", "-v", "0", timeout=300)
        seeded = self.manage("seed_demo", *seed_args, timeout=600).stdout
        self.api_key = _after(seeded, "Read API key (catalog:read, orders:read): ")
        self.staff_token = _after(seeded, "Write API staff token: ")
        self.run_sh("start")
        # The first generations are created by the processes themselves.
        poll_until(self.ready, timeout=300, interval=0.5)
        poll_until(self.key_accepted, timeout=300, interval=0.5)

    def stop(self) -> None:
        try:
            self.run_sh("stop", timeout=120)
            self.services("down")
        finally:
            for proxy in self.proxies.values():
                proxy.close()
            if not os.environ.get("CQRS_CHAOS_KEEP"):
                shutil.rmtree(self.home, ignore_errors=True)

    def services(self, *args: str, timeout: float = 300) -> None:
        script = str(ROOT / "scripts" / "services.sh")
        run_to_end(["bash", script, *args], env=self.services_env(), timeout=timeout)

    def run_sh(self, *args: str, timeout: float = 60) -> str:
        script = str(ROOT / "scripts" / "run.sh")
        return run_to_end(
            ["bash", script, *args], env=self.app_env(), timeout=timeout
        ).stdout

    def manage(self, *args: str, timeout: float = 120, check: bool = True):
        return run_to_end(
            [sys.executable, "manage.py", *args],
            env=self.app_env(),
            timeout=timeout,
            check=check,
        )

    # ------------------------------------------------------------ probes

    def url(self, role: str, path: str) -> str:
        return f"http://127.0.0.1:{self.web[role]}{path}"

    def ready(self) -> bool:
        """Both roles answer /readyz 200."""
        return all(
            self.status_of(self.url(role, "/readyz")) == 200 for role in self.web
        )

    def key_accepted(self) -> bool:
        try:
            status, _, _ = http_call(
                "GET",
                self.url("read", "/v1/products?page_size=1"),
                headers={"Authorization": f"Api-Key {self.api_key}"},
                timeout=10,
            )
        except OSError:
            return False
        return status == 200

    def status_of(self, url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return 0

    def programs(self) -> dict[str, str]:
        """supervisorctl status: program → state."""
        lines = run_to_end(
            ["bash", str(ROOT / "scripts" / "run.sh"), "status"],
            env=self.app_env(),
            timeout=30,
        ).stdout.splitlines()
        return {
            line.split()[0]: line.split()[1] for line in lines if len(line.split()) > 1
        }

    def program_pid(self, program: str) -> int:
        out = self.run_sh("ctl", "pid", program).strip()
        return int(out) if out.isdigit() else 0

    # ------------------------------------------------------------ faults

    def signal_program(self, program: str, sig: signal.Signals) -> int:
        """Signal the program's main process; return its pid."""
        pid = self.program_pid(program)
        os.kill(pid, sig)
        return pid

    def signal_worker_child(self, sig: signal.Signals) -> int:
        """Signal one Dramatiq worker child, as the OOM killer would."""
        child = child_pids(self.program_pid("worker"))[0]
        os.kill(child, sig)
        return child

    def wait_restarted(self, program: str, *, old_pid: int, timeout: float) -> None:
        poll_until(
            lambda: (
                self.program_pid(program) not in (0, old_pid)
                and self.programs().get(program) == "RUNNING"
            ),
            timeout=timeout,
            interval=0.2,
        )

    def redis(self) -> redis.Redis:
        """A direct client of the stack's Redis (not through the proxy)."""
        return redis.Redis.from_url(
            redis_url(port=self.ports["redis"]), socket_timeout=10
        )

    def opensearch(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One direct request to the stack's OpenSearch."""
        url = f"http://127.0.0.1:{self.ports['opensearch']}{path}"
        status, _, text = http_call(method, url, body=body, timeout=30)
        return status, (json.loads(text) if text else None)


def redis_url(*, port: int) -> str:
    return f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"


def _after(text: str, prefix: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith(prefix))
    return line[len(prefix) :].strip()
