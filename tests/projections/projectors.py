"""Real projector processes for the crash and outage tests."""

import sys
import time
from pathlib import Path

from tests.processes import Process

PYTHON = sys.executable


def start_worker(*, env: dict[str, str], log_dir: Path, threads: int = 2) -> Process:
    """`manage.py rundramatiq` (one process, `threads` threads), as deployed."""
    args = [
        PYTHON,
        "manage.py",
        "rundramatiq",
        "--processes",
        "1",
        "--threads",
        str(threads),
    ]
    return Process(args, env=env, log=log_dir / f"worker-{time.monotonic_ns()}.log")


def start_listener(*, env: dict[str, str], log_dir: Path) -> Process:
    """`manage.py outbox_listener`: NOTIFY and the tick turn into runs."""
    args = [PYTHON, "manage.py", "outbox_listener", "--verbosity", "0"]
    return Process(args, env=env, log=log_dir / "listener.log")
