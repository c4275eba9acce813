"""Both read hosts give the same answers: one quota per API key, counted across
hosts, and a write's consistency token honoured alike (short: in `make test`
and in `make cluster-test`)."""

import json
import time
import uuid

import pytest

from tests.cluster.scenario import restore
from tests.cluster.stack import ADDRESS, ClusterStack
from tests.processes import http_call, poll_until

READ_HOSTS = ("b", "c")
QUOTA = 12
# Hour windows: a run of a few seconds lies inside one window unless it starts
# in a window's last two minutes, which the test waits out.
QUOTA_PERIOD = 3600
QUOTA_PORT = 8011

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def quota_apis(cluster: ClusterStack):
    """A second read API on hosts b and c, allowing QUOTA reads per key and hour
    (the cluster's own read APIs allow many, for the load of the other tests)."""
    restore(cluster, "c")
    rate = {"CQRS_READ_RATE": f"{QUOTA}/hour"}
    servers = [
        cluster.start_read_api(host, port=QUOTA_PORT, **rate) for host in READ_HOSTS
    ]
    try:
        yield {host: f"http://{ADDRESS[host]}:{QUOTA_PORT}" for host in READ_HOSTS}
    finally:
        for server in servers:
            server.stop()


def test_read_hosts_throttle_one_api_key_on_one_quota(cluster, cluster_ids, quota_apis):
    key = cluster.issue_api_key(f"quota-{uuid.uuid4().hex[:8]}")
    path = f"/v1/stock/{cluster_ids.products[0]}"
    poll_until(lambda: time.time() % QUOTA_PERIOD < QUOTA_PERIOD - 120, timeout=130)
    # Until the key reaches the read models it is a 401, which is not counted;
    # the first 200 (through host b) is read 1 of the quota.
    poll_until(lambda: _read(quota_apis["b"], path, key)[0] == 200, timeout=60)

    # Reads 2 .. QUOTA + 2 alternate between the hosts, starting with c.
    hosts = [READ_HOSTS[(i + 1) % 2] for i in range(QUOTA + 1)]
    answers = [_read(quota_apis[host], path, key) for host in hosts]

    statuses = [status for status, _, _ in answers]
    assert statuses == [200] * (QUOTA - 1) + [429, 429]
    refused = {
        host: answer
        for host, answer in zip(hosts, answers, strict=True)
        if answer[0] == 429
    }
    assert set(refused) == {"b", "c"}
    # Both point at the end of the one window the quota is counted in.
    window_end = (answers[-1][2] // QUOTA_PERIOD + 1) * QUOTA_PERIOD
    retry_at = {
        host: sent + int(headers["Retry-After"])
        for host, (_, headers, sent) in refused.items()
    }
    assert all(abs(at - window_end) <= 2 for at in retry_at.values()), retry_at


def test_read_hosts_answer_a_consistency_token_alike(cluster, cluster_ids):
    restore(cluster, "c")
    product = cluster_ids.products[1]
    word = f"quokka{uuid.uuid4().hex[:10]}"
    status, headers, _ = http_call(
        "PATCH",
        cluster.url("write", f"/api/products/{product}"),
        headers={"Authorization": f"Token {cluster.staff_token}"},
        body={"name": f"Cluster {word} lamp"},
    )
    token = {"X-Consistency-Token": headers["X-Consistency-Token"]}

    # Read by id (a real-time get) and by search (which sees only what an
    # index refresh has made searchable), through host b, then host c.
    reads = [
        cluster.via(host).read(path, headers=token)
        for host in READ_HOSTS
        for path in (f"/v1/products/{product}", f"/v1/products?search={word}")
    ]

    assert status == 200
    consistency = [
        (s, h.get("X-Consistency"), h.get("X-Consistency-Lag")) for s, h, _ in reads
    ]
    assert consistency == [(200, "fresh", None)] * 4
    found = [_names(json.loads(text), product) for _, _, text in reads]
    assert found == [[f"Cluster {word} lamp"]] * 4


def _read(base: str, path: str, key: str) -> tuple[int, dict[str, str], float]:
    """One read with `key`: status, headers and when it was sent (epoch s)."""
    sent = time.time()
    status, headers, _ = http_call(
        "GET", base + path, headers={"Authorization": f"Api-Key {key}"}, timeout=10
    )
    return status, headers, sent


def _names(body: dict, product: int) -> list[str]:
    """The names `body` (a product or a page of them) shows for `product`."""
    rows = body.get("results", [body])
    return [row["name"] for row in rows if row["id"] == product]
