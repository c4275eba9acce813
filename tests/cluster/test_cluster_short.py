"""The short cluster run of the default suite: three namespace hosts, one worker
host lost under steady load and not brought back (`make cluster-test` runs the
whole set, with the host's return)."""

import pytest

from tests.chaos.stack import PROJECTIONS
from tests.cluster.scenario import TAKEOVER_DEADLINE, describe, lose_host


@pytest.mark.timeout(1800)
def test_cluster_survives_the_loss_of_a_worker_host(cluster, cluster_ids):
    outcome = lose_host(cluster, host="c", survivor="b", ids=cluster_ids, restart=False)
    print(describe(outcome))

    assert outcome.hosts_before == {"b", "c"}
    assert outcome.takeover_seconds is not None
    assert outcome.takeover_seconds <= TAKEOVER_DEADLINE
    assert outcome.health_without == "yellow"
    assert outcome.hosts_after == {"b"}
    assert outcome.read_violations == []
    assert outcome.health_after == "yellow"
    assert outcome.lost == []
    assert outcome.drift == dict.fromkeys(PROJECTIONS, 0)
