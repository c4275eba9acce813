"""Self-healing with the real processes: a listener and a worker, nobody else.

An outage of both stores that ends with their data rebuilds nothing.

After every key of this namespace is deleted from Redis (what FLUSHALL does
to it, broker queues included), consumers holding any of 10,000 API keys are
refused with 503 meanwhile and authenticated again within 10 seconds; the
other read models the flush emptied are rebuilt after it.
"""

import time
import uuid

import pytest
from django.db import connection
from opensearchpy.exceptions import NotFoundError

from commands.models import ApiKey, OutboxEvent
from config import connections
from projections import naming
from projections.lifecycle import generations
from projections.models import (
    GenerationState,
    ProjectionGeneration,
)
from projections.rebuilds.models import RebuildRun
from projections.rebuilds.rebuild import RebuildOptions, rebuild_projection
from projections.running.heartbeat import heartbeat, heartbeat_key
from tests.processes import http_get, poll_until, start_listener, start_worker
from tests.projections import agreement
from tests.projections.store_outage import outage_seen
from tests.projections.workload import Workload

KEYS = 10_000


def _insert_keys(count: int) -> None:
    """`count` active keys `raw-1` … `raw-N`, straight into the table the
    api_keys rebuild reads (the handler's outbox events are not needed here)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {ApiKey._meta.db_table}
                (created_at, updated_at, name, key_hash, prefix, scopes, active,
                 version)
            SELECT now(), now(), 'bulk ' || g,
                   encode(sha256(convert_to('raw-' || g, 'UTF8')), 'hex'),
                   'raw-', ARRAY['catalog:read']::varchar(32)[], true, 1
            FROM generate_series(1, %s) AS g
            """,
            [count],
        )


def _flush_namespace() -> None:
    """Delete every Redis key of this namespace: read models, pointers, broker."""
    client = connections.redis_client()
    namespace = naming.namespace()
    for pattern in (f"{namespace}:*", f"{namespace}-dramatiq*"):
        keys = list(client.scan_iter(match=pattern, count=5000))
        for start in range(0, len(keys), 5000):
            client.delete(*keys[start : start + 5000])


def _stored_keys() -> int:
    live = generations.live_generation("api_keys")
    prefix = naming.redis_prefix(projection="api_keys", generation=live.generation)
    keys = connections.redis_client().scan_iter(match=f"{prefix}:*", count=5000)
    return sum(1 for key in keys if not key.endswith(f":{naming.MARKER}"))


@pytest.fixture
def stack(projector_env, broker_queues, tmp_path):
    """Listener and worker with the default tick, over 10,000 projected keys."""
    _insert_keys(KEYS)
    rebuild_projection(projection="api_keys", options=RebuildOptions())
    env = {**projector_env, "CQRS_TICK_SECONDS": "2"}
    listener = start_listener(env=env, log_dir=tmp_path)
    worker = start_worker(env=env, log_dir=tmp_path, threads=4)
    token = uuid.uuid4().hex
    heartbeat.send(token)  # the worker has booted once it stamps this
    poll_until(lambda: connections.redis_client().get(heartbeat_key(token)), timeout=60)
    yield
    worker.stop()
    listener.stop()


def _read_as(read_server: str, raw_key: str) -> int:
    headers = {"Authorization": f"Api-Key {raw_key}"}
    return http_get(f"{read_server}/v1/products", headers=headers)[0]


@pytest.mark.usefixtures("stack")
def test_healing_api_keys_are_back_within_10_s_for_10000_keys(read_server):
    poll_until(lambda: _read_as(read_server, "raw-1") == 200, timeout=30)

    _flush_namespace()
    flushed = time.monotonic()
    meanwhile = _read_as(read_server, "raw-1")
    poll_until(lambda: _read_as(read_server, "raw-1") == 200, timeout=10)
    back = time.monotonic() - flushed

    print(f"api_keys: {KEYS:,} keys authenticated again {back:.2f} s after the flush")
    assert meanwhile == 503
    assert _read_as(read_server, f"raw-{KEYS}") == 200
    assert _stored_keys() == KEYS
    # The other Redis read models, lost too, are healed right after.
    poll_until(_all_live, timeout=30)


def _all_live() -> bool:
    return not ProjectionGeneration.objects.exclude(
        state__in=(GenerationState.LIVE, GenerationState.RETIRED)
    ).exists()


def _converged() -> bool:
    """Every read model agrees with the write model (False while not built yet)."""
    try:
        return not agreement.mismatches()
    except (NotFoundError, AttributeError):  # no index / no live generation yet
        return False


@pytest.mark.slow
@pytest.mark.usefixtures("broker_queues")
def test_healing_an_outage_that_ends_with_the_data_rebuilds_nothing(
    projector_env, cut_stores, tmp_path
):
    env = cut_stores.env(projector_env)
    workload = Workload(seed=23)
    workload.setup(products=10, customers=5)
    listener = start_listener(env=env, log_dir=tmp_path)
    worker = start_worker(env=env, log_dir=tmp_path)
    try:
        poll_until(_converged, timeout=60, interval=0.5)
        before = set(
            ProjectionGeneration.objects.values_list(
                "projection", "generation", "state"
            )
        )
        cut_stores.cut()
        workload.run_until(events=OutboxEvent.objects.count() + 100)
        poll_until(outage_seen, timeout=30, interval=0.2)
        cut_stores.restore()
        poll_until(_converged, timeout=90, interval=1.0)
    finally:
        worker.stop()
        listener.stop()

    assert (
        set(
            ProjectionGeneration.objects.values_list(
                "projection", "generation", "state"
            )
        )
        == before
    )
    assert all(state == GenerationState.LIVE for _, _, state in before)
    assert not RebuildRun.objects.exists()
