"""Under supervisord (as `make demo` runs it) the projector yields the CPU to the
web processes: the worker (parent and children) and the listener run niced by
CQRS_PROJECTOR_NICE (default 10), the read and write APIs at normal priority."""

import os
from pathlib import Path

PROJECTOR = ("worker", "listener")
WEB = ("read", "write")


def tree(pid: int) -> list[int]:
    """`pid` and every process below it (from /proc's children lists)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").iterdir():
            todo.extend(int(c) for c in (task / "children").read_text().split())
    return found


def niceness(pid: int) -> dict[int, int]:
    return {p: os.getpriority(os.PRIO_PROCESS, p) for p in tree(pid)}


def test_projector_runs_niced_and_the_apis_do_not(chaos_stack):
    want = int(os.environ.get("CQRS_PROJECTOR_NICE", "10"))

    worker = niceness(chaos_stack.program_pid("worker"))
    assert len(worker) >= 2  # the dramatiq parent and its children
    for program in PROJECTOR:
        assert set(niceness(chaos_stack.program_pid(program)).values()) == {want}
    for program in WEB:
        assert set(niceness(chaos_stack.program_pid(program)).values()) == {0}
