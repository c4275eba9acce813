"""One fault against a running stack under load, and what came of it."""

import json
from dataclasses import dataclass, field

from tests.chaos import checks
from tests.chaos.faults import Fault
from tests.chaos.load import ReadProbe, WriteLoad
from tests.chaos.stack import PrivateStack
from tests.processes import http_call

READY_DEADLINE = 30.0  # the promise: serving again within 30 s
CONVERGE_DEADLINE = 120.0
WARM_WRITES = 15  # acknowledged writes before the fault, and again after recovery


@dataclass
class Outcome:
    fault: str
    ready_seconds: float | None = None  # fault undone → both /readyz 200
    visible_seconds: float | None = None  # load stopped → every ack'd write visible
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    drift: dict[str, int] = field(default_factory=dict)
    read_answers: dict[str, int] = field(default_factory=dict)
    read_violations: list[str] = field(default_factory=list)
    programs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ids:
    products: list[int]
    customers: list[int]


def staff_ids(stack: PrivateStack) -> Ids:
    """Products and customers to write to, from the staff listings."""
    products = _listing(stack, "/api/products?limit=40")
    orders = _listing(stack, "/api/orders?limit=40")
    customers = sorted({order["customer_id"] for order in orders})
    return Ids(products=[p["id"] for p in products], customers=customers)


def _listing(stack: PrivateStack, path: str) -> list[dict]:
    status, _, text = http_call(
        "GET",
        stack.url("write", path),
        headers={"Authorization": f"Token {stack.staff_token}"},
    )
    assert status == 200, text
    body = json.loads(text)
    return body["results"] if isinstance(body, dict) else body


def exercise(stack: PrivateStack, fault: Fault, ids: Ids) -> Outcome:
    """Steady load, the fault, recovery; then the checks, all recorded."""
    outcome = Outcome(fault=fault.name)
    kwargs = {"products": ids.products, "customers": ids.customers}
    with ReadProbe(stack, **kwargs) as probe:
        with WriteLoad(stack, **kwargs) as load:
            checks.seconds_until(
                lambda: load.ledger.acknowledged >= WARM_WRITES, timeout=60
            )
            fault.inject(stack)
            outcome.ready_seconds = checks.seconds_until(
                stack.ready, timeout=READY_DEADLINE * 2
            )
            resumed = load.ledger.acknowledged + WARM_WRITES
            checks.seconds_until(
                lambda: load.ledger.acknowledged >= resumed, timeout=60
            )
        outcome.acknowledged = load.ledger.acknowledged
        outcome.visible_seconds = checks.seconds_until(
            lambda: not checks.invisible_writes(stack, load.ledger),
            timeout=CONVERGE_DEADLINE,
        )
    outcome.lost = checks.invisible_writes(stack, load.ledger)
    outcome.read_answers = dict(probe.log.answers)
    outcome.read_violations = probe.log.violations
    outcome.drift = checks.drift(stack)
    outcome.programs = stack.programs()
    return outcome
