"""Idle Dramatiq consumers block on wake tokens: a new message wakes them at once,
and a message no token announces is still fetched within the wake timeout."""

import time
import uuid

import dramatiq
import pytest
from dramatiq.common import dq_name

from config.waking_broker import WakingRedisBroker
from projections.running.heartbeat import heartbeat, heartbeat_key
from tests.processes import poll_until, start_worker

QUEUE = "diagnostics"


@pytest.fixture
def broker(redis_client):
    broker = dramatiq.get_broker()
    keys = [broker.wake_key(QUEUE), broker.wake_key(dq_name(QUEUE))]
    broker.flush(QUEUE)
    broker.client.delete(*keys)
    yield broker
    broker.flush(QUEUE)
    broker.client.delete(*keys)


@pytest.fixture
def idle_worker(broker, write_env, process_log_dir):
    """A real worker with the given wake timeout, once all its consumers block."""
    started = []

    def start(*, wake_timeout_ms: int):
        env = dict(write_env, DRAMATIQ_WAKE_TIMEOUT_MS=str(wake_timeout_ms))
        worker = start_worker(env=env, log_dir=process_log_dir)
        started.append(worker)
        consumers = 2 * len(broker.get_declared_queues())  # a queue and its .DQ
        poll_until(lambda: _blocked_clients(broker) >= consumers, timeout=60)
        return worker

    yield start
    for worker in started:
        worker.stop()


def _blocked_clients(broker) -> int:
    return sum("b" in client["flags"] for client in broker.client.client_list())


def _seconds_until_processed(broker, *, token: str, timeout: float) -> float:
    began = time.monotonic()
    poll_until(
        lambda: broker.client.exists(heartbeat_key(token)),
        timeout=timeout,
        interval=0.02,
    )
    return time.monotonic() - began


def test_waking_broker_enqueue_pushes_one_bounded_token(broker):
    broker.enqueue(heartbeat.message("one"))
    assert broker.client.lrange(broker.wake_key(QUEUE), 0, -1) == [b"1"]

    for _ in range(broker.wake_backlog + 10):
        broker.enqueue(heartbeat.message("many"))
    assert broker.client.llen(broker.wake_key(QUEUE)) == broker.wake_backlog


def test_waking_broker_delayed_enqueue_wakes_the_delay_queue(broker):
    broker.enqueue(heartbeat.message("later"), delay=60_000)

    assert broker.client.llen(broker.wake_key(dq_name(QUEUE))) == 1
    assert broker.client.llen(broker.wake_key(QUEUE)) == 0


def test_waking_broker_wakes_an_idle_worker_at_once(broker, idle_worker):
    worker = idle_worker(wake_timeout_ms=30_000)
    token = uuid.uuid4().hex

    broker.enqueue(heartbeat.message(token))

    assert _seconds_until_processed(broker, token=token, timeout=30) < 1.0
    stopping = time.monotonic()
    worker.stop()  # the shutdown wakes its own blocked consumers
    assert time.monotonic() - stopping < 10
    assert worker.popen.returncode == 0


def test_waking_broker_fetches_an_unannounced_message_within_the_timeout(
    broker, idle_worker
):
    idle_worker(wake_timeout_ms=5_000)
    token = uuid.uuid4().hex
    message = heartbeat.message(token).copy(
        options={"redis_message_id": uuid.uuid4().hex}
    )

    # Dramatiq's own enqueue script: the message without a wake token, as after a
    # Redis restart lost the token, or a requeue by Dramatiq's maintenance.
    broker._dispatch("enqueue")(
        QUEUE, message.options["redis_message_id"], message.encode()
    )

    assert broker.client.llen(broker.wake_key(QUEUE)) == 0
    assert _seconds_until_processed(broker, token=token, timeout=10) < 5.0 + 1.0


def test_waking_broker_connection_outlasts_a_long_wake(settings):
    # redis-py's default socket timeout is 5 s: a 6 s BLPOP must still end quietly.
    long_wait = WakingRedisBroker(
        url=settings.DRAMATIQ_BROKER["OPTIONS"]["url"], wake_timeout_ms=6_000
    )

    assert long_wait.client.blpop([long_wait.wake_key("nothing")], timeout=6) is None


def test_waking_broker_refuses_a_socket_timeout_shorter_than_the_wake(broker):
    with pytest.raises(ValueError, match="socket_timeout"):
        WakingRedisBroker(socket_timeout=2, wake_timeout_ms=5_000)
