"""A cluster of the platform on three network-namespace hosts (scripts/cluster.sh).

Host a: PostgreSQL, Redis, write web, listener and the tiebreaker OpenSearch
node (cluster manager only); hosts b and c: one OpenSearch data node, one
Dramatiq worker and one read API each. This test process reaches
them through the bridge's address. `ClusterStack` offers what the chaos
checks and loads (tests/chaos) use of a stack: `url`, `api_key`,
`staff_token`, `opensearch`, `manage`; `via(host)` picks the read host.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import psycopg

from tests.chaos.stack import NAMESPACE, _after, _clean_environ
from tests.processes import ROOT, Process, http_call, poll_until, run_to_end

SCRIPT = str(ROOT / "scripts" / "cluster.sh")
# Namespaces <NAME>-a, -b, -c and the bridge <NAME>-br, on a subnet of their
# own: two test runs on one machine (a developer's and CI's) never meet.
NAME = f"ct{os.getpid() % 10000:04d}"
SUBNET = f"10.211.{os.getpid() % 250 + 1}"
ADDRESS = {"a": f"{SUBNET}.11", "b": f"{SUBNET}.12", "c": f"{SUBNET}.13"}
NODES = ("a", "b", "c")  # OpenSearch nodes: a (cluster manager only), b and c (data)
TUNABLES = {
    "CQRS_LEASE_SECONDS": "5",
    "CQRS_TICK_SECONDS": "1",
    "CQRS_WAKE_DEDUPE_MS": "2000",
    "CQRS_STORE_RETRY_SECONDS": "5",
    "CQRS_RUN_SECONDS": "5",
    "CQRS_READ_RATE": "100000/min",
    # Long enough for a quiet cluster to pass any token on a loaded machine: a
    # read-your-writes read then answers "fresh" (or "stale" if it did not).
    "CQRS_READ_CONSISTENCY_WAIT": "10",
    "DRAMATIQ_THREADS": "2",
    "WRITE_WORKERS": "1",
    "READ_WORKERS": "1",
    "LOG_LEVEL": "WARNING",
}


class ClusterUnavailable(AssertionError):
    """Namespaces cannot be made here: the cluster tests fail, never skip."""


class ClusterStack:
    """scripts/cluster.sh up/down and what a test needs to talk to the cluster."""

    def __init__(self, *, seed_args: list[str]) -> None:
        self.seed_args = seed_args
        # Not under pytest's tmp_path: PostgreSQL and OpenSearch run as their
        # own users and need to reach their folders.
        self.home = Path(tempfile.mkdtemp(prefix="cqrs-cluster-"))
        self.home.chmod(0o755)
        self.read_host = "b"
        self.api_key = ""
        self.staff_token = ""

    def env(self) -> dict[str, str]:
        return {
            **_clean_environ(),
            **TUNABLES,
            "CQRS_HOME": os.environ.get("CQRS_HOME", str(ROOT / ".local")),
            "CLUSTER_NAME": NAME,
            "CLUSTER_SUBNET": SUBNET,
            "CLUSTER_HOME": str(self.home),
            "CLUSTER_NAMESPACE": NAMESPACE,
            "CLUSTER_SEED": " ".join(self.seed_args),
        }

    def script(self, *args: str, timeout: float = 120) -> str:
        return run_to_end(
            ["bash", SCRIPT, *args], env=self.env(), timeout=timeout
        ).stdout

    def start(self) -> None:
        _require_namespaces()
        self.script("up", timeout=900)
        seeded = (self.home / "seed.txt").read_text()
        self.api_key = _after(seeded, "Read API key (catalog:read, orders:read): ")
        self.staff_token = _after(seeded, "Write API staff token: ")

    def stop(self) -> None:
        try:
            self.script("down", timeout=180)
        finally:
            if not os.environ.get("CQRS_CLUSTER_KEEP"):
                shutil.rmtree(self.home, ignore_errors=True)

    def via(self, host: str) -> "ClusterStack":
        """The same cluster, read through the read API of `host` (b or c)."""
        view = object.__new__(ClusterStack)
        view.__dict__.update(self.__dict__, read_host=host)
        return view

    # ------------------------------------------------------------ probes

    def url(self, role: str, path: str) -> str:
        if role == "write":
            return f"http://{ADDRESS['a']}:8000{path}"
        return f"http://{ADDRESS[self.read_host]}:8001{path}"

    def opensearch(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request to the OpenSearch cluster, through the first node that
        answers (a test may have stopped any one of them)."""
        refused: OSError | None = None
        for host in NODES:
            url = f"http://{ADDRESS[host]}:9200{path}"
            try:
                status, _, text = http_call(method, url, body=body, timeout=30)
            except OSError as exc:
                refused = exc
                continue
            return status, (json.loads(text) if text else None)
        raise refused or OSError("no OpenSearch node")

    def health(self) -> str:
        try:
            status, body = self.opensearch("GET", "/_cluster/health")
        except OSError:
            return "unreachable"
        return body["status"] if status == 200 else f"http {status}"

    def manage(self, *args: str, timeout: float = 120, check: bool = True):
        """`manage.py` on host a, with the environment of the cluster's processes."""
        host_env = dict(
            line.split("=", 1)
            for line in self.script("env", "a").splitlines()
            if "=" in line
        )
        command = ["ip", "netns", "exec", f"{NAME}-a", sys.executable, "manage.py"]
        return run_to_end(
            [*command, *args],
            env={"PATH": os.environ["PATH"], **host_env},
            timeout=timeout,
            check=check,
        )

    def issue_api_key(self, name: str) -> str:
        """A new read-API key with both scopes, issued on host a."""
        scopes = "catalog:read,orders:read"
        issued = self.manage(
            "issue_api_key", "--name", name, "--scopes", scopes, "-v", "0"
        )
        return issued.stdout.strip().splitlines()[-1]

    def start_read_api(self, host: str, *, port: int, **env: str) -> Process:
        """One more read API on `host`, its environment changed by `env`
        (e.g. CQRS_READ_RATE); it shares the cluster's Redis and OpenSearch."""
        settings = {"DJANGO_SETTINGS_MODULE": "config.settings.read", **env}
        gunicorn = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            *("--config", "python:config.gunicorn", "config.wsgi_read:application"),
            *("--bind", f"{ADDRESS[host]}:{port}", "--workers", "1"),
        ]
        process = Process(
            ["bash", SCRIPT, "exec", host]
            + [f"{name}={value}" for name, value in settings.items()]
            + gunicorn,
            env=self.env(),
            log=self.home / f"read-{host}-{port}.log",
        )
        healthz = f"http://{ADDRESS[host]}:{port}/healthz"
        try:
            poll_until(lambda: _answers(healthz), timeout=60, interval=0.2)
        except AssertionError:
            process.stop()
            raise AssertionError(
                f"read API on {host}:{port}:\n{process.tail()}"
            ) from None
        return process

    def database(self) -> psycopg.Connection:
        """A connection to the cluster's PostgreSQL on host a."""
        return psycopg.connect(
            host=ADDRESS["a"],
            port=5432,
            dbname="cqrs",
            user="cqrs",
            password="cqrs",
            autocommit=True,
        )

    def read(self, path: str, *, headers: dict[str, str] | None = None):
        """GET through this view's read host with the API key: (status, headers, body)."""
        return http_call(
            "GET",
            self.url("read", path),
            headers={"Authorization": f"Api-Key {self.api_key}", **(headers or {})},
            # Beyond CQRS_READ_CONSISTENCY_WAIT: a read that waited it out still
            # answers (stale), and the test sees that answer, not a timeout.
            timeout=30,
        )


def _answers(url: str) -> bool:
    try:
        return http_call("GET", url, timeout=2)[0] == 200
    except OSError:
        return False


def _require_namespaces() -> None:
    """Fail loudly, naming why, where network namespaces cannot be made."""
    probe = f"{NAME}-probe"
    made = subprocess.run(
        ["ip", "netns", "add", probe], capture_output=True, text=True, check=False
    )
    if made.returncode != 0:
        raise ClusterUnavailable(
            "the cluster tests need root and network namespaces "
            f"(ip netns add failed: {made.stderr.strip()})"
        )
    subprocess.run(["ip", "netns", "del", probe], check=True)
