"""The faults of the chaos matrix, each applied to a running private stack.

`inject` returns once the fault has happened and whatever a person would undo by
hand (a stopped service, a cut cable) has been undone; healing the platform's own
state is the platform's job, and the scenario measures it from there.
"""

import signal
from collections.abc import Callable
from dataclasses import dataclass

from tests.chaos.stack import NAMESPACE, PrivateStack
from tests.processes import poll_until

# A SIGTERMed worker drains for up to its shutdown timeout (30 s) before it exits.
RESTART_DEADLINE = 60.0


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[PrivateStack], None]

    def __str__(self) -> str:
        return self.name


def _kill_program(program: str, sig: signal.Signals) -> Callable[[PrivateStack], None]:
    def inject(stack: PrivateStack) -> None:
        old = stack.signal_program(program, sig)
        stack.wait_restarted(program, old_pid=old, timeout=RESTART_DEADLINE)

    return inject


def _kill_worker_child(stack: PrivateStack) -> None:
    """What the OOM killer does: one Dramatiq child dies, the parent follows it."""
    parent = stack.program_pid("worker")
    stack.signal_worker_child(signal.SIGKILL)
    stack.wait_restarted("worker", old_pid=parent, timeout=RESTART_DEADLINE)


def _restart(store: str) -> Callable[[PrivateStack], None]:
    def inject(stack: PrivateStack) -> None:
        stack.services("down", store)
        stack.services("up", store)

    return inject


def _flushall(stack: PrivateStack) -> None:
    stack.redis().flushall()


def _delete_products_index(stack: PrivateStack) -> None:
    status, aliases = stack.opensearch("GET", f"/_alias/{NAMESPACE}-products")
    assert status == 200, aliases
    for index in aliases:
        stack.opensearch("DELETE", f"/{index}")


# Which readiness answer proves each store's cut was felt (role, store).
_FELT_BY = {"postgres": "write", "redis": "read", "opensearch": "read"}


def _cut(store: str) -> Callable[[PrivateStack], None]:
    def inject(stack: PrivateStack) -> None:
        stack.proxies[store].cut()
        role = _FELT_BY[store]
        try:
            poll_until(
                lambda: stack.status_of(stack.url(role, "/readyz")) == 503,
                timeout=30,
                interval=0.2,
            )
        finally:
            stack.proxies[store].restore()

    return inject


def process_faults() -> list[Fault]:
    faults = [Fault("sigkill-worker-child", _kill_worker_child)]
    for program in ("write", "read", "worker", "listener"):
        faults.append(
            Fault(f"sigkill-{program}", _kill_program(program, signal.SIGKILL))
        )
        faults.append(
            Fault(f"sigterm-{program}", _kill_program(program, signal.SIGTERM))
        )
    return faults


def store_faults() -> list[Fault]:
    return [
        Fault("restart-postgres", _restart("postgres")),
        Fault("restart-redis", _restart("redis")),
        Fault("restart-opensearch", _restart("opensearch")),
        Fault("cut-postgres", _cut("postgres")),
        Fault("cut-redis", _cut("redis")),
        Fault("cut-opensearch", _cut("opensearch")),
    ]


def data_loss_faults() -> list[Fault]:
    return [
        Fault("flushall-redis", _flushall),
        Fault("delete-products-index", _delete_products_index),
    ]


def by_name(name: str) -> Fault:
    every = process_faults() + store_faults() + data_loss_faults()
    return next(fault for fault in every if fault.name == name)
