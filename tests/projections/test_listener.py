"""The outbox listener turns a commit's NOTIFY into projector runs."""

import threading

import dramatiq
import pytest
from dramatiq import Worker

from commands.handlers.apikey import apikey_issue
from commands.handlers.customer import customer_register
from commands.outbox import shard_of
from projections.api_keys import schema as api_keys_schema
from projections.listener import listen
from projections.models import SegmentCheckpoint
from projections.running.wakeups import wake_all, wake_pending
from projections.visibility import TxSnapshot
from tests.processes import poll_until
from tests.projections.draining import (
    drain,
    outbox_head_txid,
)

pytestmark = pytest.mark.usefixtures("engine_db")


@pytest.fixture
def broker():
    """The test broker (Redis, namespaced by CQRS_NAMESPACE), emptied around the test."""
    broker = dramatiq.get_broker()
    broker.flush_all()
    yield broker
    broker.flush_all()


@pytest.fixture
def worker(broker):
    """An in-process Dramatiq worker consuming the test broker."""
    worker = Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def listener():
    notified = threading.Event()
    stop = threading.Event()

    def on_wake():
        report = wake_pending()
        notified.set()
        return report

    thread = threading.Thread(
        target=listen, kwargs={"stop": stop, "on_wake": on_wake, "tick_seconds": 3600}
    )
    thread.start()
    poll_until(notified.is_set, timeout=10)  # the wake-up on connect
    yield notified
    stop.set()
    thread.join(timeout=10)


def test_listener_turns_a_notify_into_a_projector_run(worker, listener, redis_client):
    listener.clear()

    apikey, _ = apikey_issue(name="shop", scopes=["catalog:read"])

    key = api_keys_schema.key(generation="1", key_hash=apikey.key_hash)
    poll_until(listener.is_set, timeout=10)
    assert poll_until(lambda: redis_client.hgetall(key), timeout=30)["active"] == "1"


def test_wake_all_queues_one_message_per_segment_however_often_called(broker):
    first = wake_all()
    second = wake_all()

    queued = broker.client.llen(f"{broker.namespace}:projections")
    assert (first, second, queued) == (6 * 4, 0, 6 * 4)


def test_wake_pending_queues_runs_only_where_events_wait(
    broker, redis_client, namespace
):
    wake_all()
    broker.flush_all()
    for key in redis_client.scan_iter(match=f"{namespace}:wake:*"):
        redis_client.delete(key)
    drain()
    apikey_issue(name="shop", scopes=["catalog:read"])

    report = wake_pending()

    # one apikey event: one segment of each of the six projections has work
    assert report.sent == 6


def test_wake_pending_raises_idle_segment_horizons_without_running_them(broker):
    drain()
    customer = customer_register(email="ada@example.com", name="Ada")
    token = outbox_head_txid()
    busy = shard_of(aggregate_type="customer", aggregate_id=customer.pk) % 4

    wake_pending()

    checkpoints = dict(
        SegmentCheckpoint.objects.filter(projection="stock").values_list(
            "segment", "checkpoint_snapshot"
        )
    )
    assert {
        s for s, snap in checkpoints.items() if TxSnapshot.parse(snap).sees(token)
    } == {
        0,
        1,
        2,
        3,
    } - {busy}
