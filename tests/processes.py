"""Real subprocesses for tests: web servers and Dramatiq workers, and polling helpers."""

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def poll_until(
    condition: Callable[[], Any], *, timeout: float, interval: float = 0.05
) -> Any:
    """Return the first truthy value of `condition()`, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {condition}")
        time.sleep(interval)


_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A free loopback port below the kernel's ephemeral range.

    A port the kernel picked (bind to 0) is free only until the kernel hands it
    out again: to an outgoing connection or to a test proxy binding port 0,
    before the server meant to listen there has started (a supervised metrics
    server then failed to bind for the whole run). Ports below the ephemeral
    range are never handed out by the kernel, and this process hands out each
    one once.
    """
    low, high = 20000, _ephemeral_low() - 1
    while True:
        port = random.randint(low, high)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port


def _ephemeral_low() -> int:
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text()
    except OSError:
        return 32768
    return int(text.split()[0])


def http_get(url: str, *, headers: dict[str, str] | None = None, raw: bool = False):
    """GET `url`; return (status, parsed JSON body or text)."""
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read().decode()
    return status, (text if raw else json.loads(text))


def http_call(
    method: str,
    url: str,
    *,
    headers: dict[str, str] | None = None,
    body: Any = None,
    timeout: float = 30,
) -> tuple[int, dict[str, str], str]:
    """One request; return (status, headers, body text), HTTP errors included."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


class Process:
    """A child process in its own session, so the whole tree can be killed at once.

    `stop()` sends SIGTERM to the whole group, unless `term_leader_only`: a
    Dramatiq parent forwards SIGTERM to its worker children itself, and a child
    that gets a second SIGTERM skips its shutdown hooks ("Killing worker
    process..."), as supervisord's `stopasgroup = false` for the worker avoids.
    """

    def __init__(
        self,
        args: list[str],
        *,
        env: dict[str, str],
        log: Path,
        term_leader_only: bool = False,
    ) -> None:
        self.log = log
        self.term_leader_only = term_leader_only
        self._log_file = log.open("wb")
        self.popen = subprocess.Popen(
            args,
            env=env,
            cwd=ROOT,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGTERM) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        if self.term_leader_only:
            self.popen.send_signal(signal.SIGTERM)
        else:
            self.kill(signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.popen.wait(timeout=15)
        self._log_file.close()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def run_to_end(
    args: list[str], *, env: dict[str, str], timeout: float, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a command (a script, a management command) to its end; output captured.

    With `check`, a non-zero exit fails with the command's own last words."""
    result = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        )
    return result


def child_pids(pid: int) -> list[int]:
    """Live (non-zombie) processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return sorted(found)


def pid_alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_web(
    *, role: str, env: dict[str, str], log_dir: Path, workers: int = 1
) -> tuple[Process, str]:
    """Start gunicorn for a role on a free port; return it once /healthz answers.

    With the deployment's settings module (config/gunicorn.py): metrics files
    when the environment names PROMETHEUS_MULTIPROC_DIR, logs as configured."""
    port = free_port()
    env = dict(
        env,
        DJANGO_SETTINGS_MODULE=f"config.settings.{'read' if role == 'read' else 'test'}",
    )
    args = [
        str(BIN / "gunicorn"),
        "--config",
        "python:config.gunicorn",
        f"config.wsgi_{role}:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--timeout",
        "60",
    ]
    process = Process(args, env=env, log=log_dir / f"{role}-{port}.log")
    url = f"http://127.0.0.1:{port}"
    try:
        poll_until(lambda: _answers(f"{url}/healthz"), timeout=30)
    except AssertionError:
        process.stop()
        raise AssertionError(
            f"{role} server did not start:\n{process.tail()}"
        ) from None
    return process, url


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def start_worker(*, env: dict[str, str], log_dir: Path, threads: int = 2) -> Process:
    """Start a real Dramatiq worker process (the same command as the Procfile)."""
    # As in the Procfile: idle consumers block on wake tokens (config/waking_broker.py),
    # so the worker threads' idle check can be as slow as Dramatiq's default.
    env = dict(
        env,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        dramatiq_worker_timeout="1000",
    )
    args = [
        sys.executable,
        "manage.py",
        "rundramatiq",
        "--processes",
        "1",
        "--threads",
        str(threads),
    ]
    return Process(
        args,
        env=env,
        log=log_dir / f"worker-{time.monotonic_ns()}.log",
        term_leader_only=True,
    )


def start_listener(*, env: dict[str, str], log_dir: Path) -> Process:
    """`manage.py outbox_listener`: NOTIFY and the tick turn into projector runs."""
    env = dict(env, DJANGO_SETTINGS_MODULE="config.settings.test")
    args = [sys.executable, "manage.py", "outbox_listener", "--verbosity", "0"]
    return Process(args, env=env, log=log_dir / f"listener-{time.monotonic_ns()}.log")


def start_metrics_server(*, env: dict[str, str], log_dir: Path) -> tuple[Process, str]:
    """`manage.py serve_metrics` on a free port; return it once it answers."""
    port = free_port()
    env = dict(env, DJANGO_SETTINGS_MODULE="config.settings.test")
    args = [sys.executable, "manage.py", "serve_metrics", "--port", str(port)]
    process = Process(args, env=env, log=log_dir / f"metrics-{port}.log")
    url = f"http://127.0.0.1:{port}"
    try:
        poll_until(lambda: _listening(port), timeout=30)
    except AssertionError:
        process.stop()
        raise AssertionError(
            f"metrics server did not start:\n{process.tail()}"
        ) from None
    return process, url


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
