"""Real subprocesses for tests: web servers and Dramatiq workers, and polling helpers."""

import json
import os
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


class Process:
    """A child process in its own session, so the whole tree can be killed at once."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path) -> None:
        self.log = log
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
        self.kill(signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.popen.wait(timeout=15)
        self._log_file.close()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def start_web(*, role: str, env: dict[str, str], log_dir: Path) -> tuple[Process, str]:
    """Start gunicorn for a role on a free port; return it once /healthz answers."""
    port = free_port()
    env = dict(
        env,
        DJANGO_SETTINGS_MODULE=f"config.settings.{'read' if role == 'read' else 'test'}",
    )
    args = [
        str(BIN / "gunicorn"),
        f"config.wsgi_{role}:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
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
    # A 20 ms consumer poll, as in the Procfile, so idle workers pick work up promptly.
    env = dict(
        env,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        dramatiq_worker_timeout="20",
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
    return Process(args, env=env, log=log_dir / f"worker-{time.monotonic_ns()}.log")


def start_listener(*, env: dict[str, str], log_dir: Path) -> Process:
    """`manage.py outbox_listener`: NOTIFY and the tick turn into projector runs."""
    env = dict(env, DJANGO_SETTINGS_MODULE="config.settings.test")
    args = [sys.executable, "manage.py", "outbox_listener", "--verbosity", "0"]
    return Process(args, env=env, log=log_dir / f"listener-{time.monotonic_ns()}.log")
