"""The whole cluster set (`make cluster-test`, with test_cluster_read_hosts.py
and test_cluster_short.py): a host lost and brought back, and either OpenSearch
data node stopped and started under load."""

import pytest

from tests.chaos import checks
from tests.chaos.load import ReadProbe, WriteLoad
from tests.chaos.stack import PROJECTIONS
from tests.cluster.scenario import (
    CONVERGE_DEADLINE,
    TAKEOVER_DEADLINE,
    WARM_WRITES,
    describe,
    lose_host,
    restore,
    snapshot_ledger,
)
from tests.processes import poll_until

pytestmark = [pytest.mark.cluster, pytest.mark.timeout(1800)]


def test_cluster_takes_a_lost_worker_host_back(cluster, cluster_ids):
    restore(cluster, "c")

    outcome = lose_host(cluster, host="c", survivor="b", ids=cluster_ids, restart=True)
    print(describe(outcome))

    assert outcome.hosts_before == {"b", "c"}
    assert outcome.takeover_seconds is not None
    assert outcome.takeover_seconds <= TAKEOVER_DEADLINE
    assert outcome.health_without == "yellow"
    assert outcome.hosts_after == {"b"}
    assert outcome.read_violations == []
    assert outcome.health_after == "green"
    assert outcome.lost == []
    assert outcome.drift == dict.fromkeys(PROJECTIONS, 0)


@pytest.mark.parametrize("node", ["b", "c"])
def test_cluster_serves_and_projects_without_one_opensearch_node(
    cluster, cluster_ids, node
):
    restore(cluster, "c")
    restore(cluster, "b")
    kwargs = {"products": cluster_ids.products, "customers": cluster_ids.customers}
    # Read through the host whose own node is the one that stops.
    reader = cluster.via(node)
    with ReadProbe(reader, **kwargs) as probe, WriteLoad(reader, **kwargs) as load:
        poll_until(lambda: load.ledger.acknowledged >= WARM_WRITES, timeout=120)
        cluster.script("node-stop", node)
        yellow_seconds = checks.seconds_until(
            lambda: cluster.health() == "yellow", timeout=60
        )
        started = load.ledger.acknowledged
        poll_until(
            lambda: load.ledger.acknowledged >= started + WARM_WRITES, timeout=120
        )
        # Writes acknowledged while the node is away reach the read models.
        written_without = snapshot_ledger(load)
        visible_without = checks.seconds_until(
            lambda: not checks.invisible_writes(reader, written_without),
            timeout=CONVERGE_DEADLINE,
        )
        answers_without = dict(probe.log.answers)
    restore(cluster, node)
    health_after = cluster.health()
    checks.seconds_until(
        lambda: not checks.invisible_writes(reader, load.ledger),
        timeout=CONVERGE_DEADLINE,
    )

    assert yellow_seconds is not None
    assert visible_without is not None
    assert probe.log.violations == []
    # Every read answered from the remaining copy while the node was away.
    assert set(answers_without) == {"200"}, answers_without
    assert health_after == "green"
    assert checks.invisible_writes(reader, load.ledger) == []
    assert checks.drift(cluster) == dict.fromkeys(PROJECTIONS, 0)
