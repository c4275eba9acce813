"""What must hold after a fault: acknowledged writes visible, no drift."""

import re
import time
from collections.abc import Callable

from tests.chaos.load import Ledger
from tests.chaos.stack import NAMESPACE, PROJECTIONS, PrivateStack
from tests.processes import http_call

# One Django start for all six projections (each verify_projection is a command).
_VERIFY_ALL = """
from django.core.management import call_command
from django.core.management.base import CommandError
for name in {names!r}:
    try:
        call_command("verify_projection", name, verbosity=0)
        print("DRIFT", name, 0)
    except CommandError as exc:
        print("DRIFT", name, exc)
"""


def seconds_until(condition: Callable[[], object], *, timeout: float) -> float | None:
    """Seconds until `condition()` first holds, or None if it did not within `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.2)
    return None


def invisible_writes(stack: PrivateStack, ledger: Ledger) -> list[str]:
    """Acknowledged writes some read model does not show at their version yet."""
    products = _documents(stack, "products", list(ledger.products | ledger.stock))
    orders = _documents(stack, "orders", list(ledger.orders))
    missing = [
        f"product {pk} v{v} (products index)"
        for pk, v in ledger.products.items()
        if _version(products, pk, "product") < v
    ]
    missing += [
        f"stock {pk} v{v} (products index)"
        for pk, v in ledger.stock.items()
        if _version(products, pk, "stock") < v
    ]
    missing += [
        f"stock {pk} v{v} (stock read model)"
        for pk, v in ledger.stock.items()
        if _read_version(stack, f"/v1/stock/{pk}") < v
    ]
    missing += [
        f"customer {pk} v{v} (customer_summary read model)"
        for pk, v in ledger.customers.items()
        if _read_version(stack, f"/v1/customers/{pk}/summary") < v
    ]
    missing += [
        f"order {pk} v{v} (orders index)"
        for pk, v in ledger.orders.items()
        if _version(orders, pk, "order") < v
    ]
    return missing


def _documents(stack: PrivateStack, projection: str, ids: list[int]) -> dict:
    if not ids:
        return {}
    status, body = stack.opensearch(
        "POST", f"/{NAMESPACE}-{projection}/_mget", {"ids": [str(i) for i in ids]}
    )
    if status != 200:
        return {}
    return {int(d["_id"]): d["_source"] for d in body["docs"] if d.get("found")}


def _version(documents: dict, pk: int, part: str) -> int:
    source = documents.get(pk)
    return int(source["versions"][part]) if source else 0


def _read_version(stack: PrivateStack, path: str) -> int:
    """The `version` the read API answers for one Redis-backed resource (0: none)."""
    try:
        status, _, text = http_call(
            "GET",
            stack.url("read", path),
            headers={"Authorization": f"Api-Key {stack.api_key}"},
            timeout=10,
        )
    except OSError:
        return 0
    match = re.search(r'"version":\s*(\d+)', text)
    return int(match.group(1)) if status == 200 and match else 0


def drift(stack: PrivateStack) -> dict[str, int]:
    """verify_projection for every projection: drifted entries (0: none)."""
    script = _VERIFY_ALL.format(names=list(PROJECTIONS))
    out = stack.manage("shell", "-c", script, timeout=300).stdout
    found = {}
    for line in out.splitlines():
        if line.startswith("DRIFT "):
            _, name, rest = line.split(" ", 2)
            count = re.search(r"\((\d+) entries\)", rest)
            found[name] = 0 if rest == "0" else int(count.group(1)) if count else -1
    return found
