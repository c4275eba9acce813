"""A Dramatiq worker child never outlives its parent (no orphan consumers after a
SIGKILL of the parent, which supervisord then replaces)."""

import os
import signal

from tests.processes import child_pids, pid_alive, poll_until, start_worker


def test_worker_child_exits_when_its_parent_is_sigkilled(write_env, process_log_dir):
    worker = start_worker(env=write_env, log_dir=process_log_dir)
    try:
        child = poll_until(lambda: child_pids(worker.popen.pid), timeout=60)[0]
        poll_until(lambda: "booting up" in worker.tail(), timeout=60)
        os.kill(worker.popen.pid, signal.SIGKILL)  # the parent alone, as an OOM kill
        worker.popen.wait(timeout=10)

        poll_until(lambda: not pid_alive(child), timeout=45, interval=0.2)
    finally:
        worker.stop()
