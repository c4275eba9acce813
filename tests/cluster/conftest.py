"""One cluster of three namespace hosts per session, torn down even on failure."""

import pytest

from tests.chaos.load import ReadProbe
from tests.chaos.scenario import Ids, staff_ids
from tests.cluster.stack import ClusterStack
from tests.processes import poll_until

SEED = ["--categories", "12", "--products", "40", "--customers", "15", "--orders", "30"]


@pytest.fixture(scope="session")
def cluster():
    stack = ClusterStack(seed_args=SEED)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def cluster_ids(cluster) -> Ids:
    """Ids to write to, once the seed has reached every read model on both hosts."""
    ids = staff_ids(cluster)
    for host in ("b", "c"):
        probe = ReadProbe(
            cluster.via(host), products=ids.products, customers=ids.customers
        )
        poll_until(probe.all_well, timeout=300, interval=0.5)
    return ids
