"""A host of the cluster lost under steady load, and what came of it."""

import json
import time
from dataclasses import dataclass, field

from tests.chaos import checks
from tests.chaos.load import ReadProbe, WriteLoad
from tests.chaos.scenario import Ids
from tests.cluster.leases import LeaseSampler
from tests.cluster.stack import TUNABLES, ClusterStack

LEASE_SECONDS = float(TUNABLES["CQRS_LEASE_SECONDS"])
# A dead runner's lease expires, then the next tick (1 s) queues the segment
# and a worker of the other host claims it; the rest is run time under load.
TAKEOVER_DEADLINE = LEASE_SECONDS + 10.0
CONVERGE_DEADLINE = 180.0
WARM_WRITES = 15


@dataclass
class HostLoss:
    hosts_before: set[str] = field(default_factory=set)
    hosts_after: set[str] = field(default_factory=set)
    takeover_seconds: float | None = None
    health_without: str = ""
    acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    read_answers: dict[str, int] = field(default_factory=dict)
    read_violations: list[str] = field(default_factory=list)
    health_after: str = ""
    drift: dict[str, int] = field(default_factory=dict)


def lose_host(
    cluster: ClusterStack, *, host: str, survivor: str, ids: Ids, restart: bool
) -> HostLoss:
    """Kill every process of `host` under load (and with `restart` start it
    again, until the OpenSearch cluster is green); then check everything."""
    outcome = HostLoss()
    reader = cluster.via(survivor)
    kwargs = {"products": ids.products, "customers": ids.customers}
    with LeaseSampler(cluster) as leases, ReadProbe(reader, **kwargs) as probe:
        with WriteLoad(reader, **kwargs) as load:
            _until(lambda: load.ledger.acknowledged >= WARM_WRITES, timeout=120)
            _until(lambda: leases.hosts() >= {"b", "c"}, timeout=120)
            outcome.hosts_before = leases.hosts()
            before = snapshot_ledger(load)
            cluster.script("kill", host)
            killed = time.monotonic()
            # Every write acknowledged before the kill shows, on every read
            # model, once the dead host's segments are run by the survivor.
            outcome.takeover_seconds = checks.seconds_until(
                lambda: not checks.invisible_writes(reader, before),
                timeout=TAKEOVER_DEADLINE * 3,
            )
            outcome.health_without = health_once_noticed(cluster)
            _until(
                lambda: (
                    load.ledger.acknowledged >= before.acknowledged + 2 * WARM_WRITES
                ),
                timeout=120,
            )
            # On a quick machine the writes above are acknowledged before the dead
            # host's leases could even have expired: sample past that point until
            # some host is seen running a segment.
            _until(
                lambda: bool(leases.hosts(since=killed + LEASE_SECONDS)),
                timeout=120,
            )
            outcome.hosts_after = leases.hosts(since=killed + LEASE_SECONDS)
        outcome.acknowledged = load.ledger.acknowledged
        if restart:
            restore(cluster, host)
        outcome.health_after = cluster.health()
        checks.seconds_until(
            lambda: not checks.invisible_writes(reader, load.ledger),
            timeout=CONVERGE_DEADLINE,
        )
    outcome.lost = checks.invisible_writes(reader, load.ledger)
    outcome.read_answers = dict(probe.log.answers)
    outcome.read_violations = probe.log.violations
    outcome.drift = checks.drift(cluster)
    return outcome


def restore(cluster: ClusterStack, host: str) -> None:
    """Start whatever of `host` is not running; wait for a green OpenSearch cluster."""
    cluster.script("start", host, timeout=600)
    _until(lambda: cluster.health() == "green", timeout=600)


def health_once_noticed(cluster: ClusterStack, timeout: float = 60.0) -> str:
    """The cluster's health once it stops being green: the manager notices a
    killed node only after its follower checks fail, which on a quick machine is
    later than the takeover above (an election in between answers neither). The
    last answer if it never turned yellow or red within `timeout`."""
    seen: list[str] = []

    def noticed() -> bool:
        seen.append(cluster.health())
        return seen[-1] in ("yellow", "red")

    checks.seconds_until(noticed, timeout=timeout)
    return seen[-1]


def snapshot_ledger(load: WriteLoad):
    """A copy of the ledger as it stands (the load goes on writing to its own)."""
    ledger = load.ledger
    copy = type(ledger)()
    for kind in ("products", "stock", "orders", "customers"):
        setattr(copy, kind, dict(getattr(ledger, kind)))
    copy.acknowledged = ledger.acknowledged
    return copy


def _until(condition, *, timeout: float) -> None:
    waited = checks.seconds_until(condition, timeout=timeout)
    assert waited is not None, f"not within {timeout}s: {condition}"


def describe(outcome: HostLoss) -> str:
    return json.dumps(outcome.__dict__, default=sorted, indent=1)
