"""One private stack per session, and the table of what each fault did."""

import os
from pathlib import Path

import pytest

from tests.chaos.load import ReadProbe
from tests.chaos.report import markdown_table
from tests.chaos.scenario import Ids, Outcome, staff_ids
from tests.chaos.stack import PrivateStack
from tests.processes import poll_until

SEED = ["--categories", "12", "--products", "40", "--customers", "15", "--orders", "30"]
OUTCOMES: list[Outcome] = []


@pytest.fixture(scope="session")
def chaos_stack():
    stack = PrivateStack()
    try:
        stack.start(seed_args=SEED)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def chaos_ids(chaos_stack) -> Ids:
    """Ids to write to, once the seed has reached every read model."""
    ids = staff_ids(chaos_stack)
    probe = ReadProbe(chaos_stack, products=ids.products, customers=ids.customers)
    poll_until(probe.all_well, timeout=180, interval=0.5)
    return ids


@pytest.fixture
def chaos_outcomes() -> list[Outcome]:
    return OUTCOMES


def pytest_terminal_summary(terminalreporter) -> None:
    if not OUTCOMES:
        return
    table = markdown_table(OUTCOMES)
    terminalreporter.write_sep("=", "chaos: fault → recovery")
    terminalreporter.write_line(table)
    report = os.environ.get("CQRS_CHAOS_REPORT")
    if report:
        Path(report).write_text(table + "\n")
