"""A Redis broker whose idle consumers block until a message arrives.

Dramatiq's `RedisBroker` consumer polls: when a fetch finds nothing it sleeps a
backoff of at most `worker_timeout` ms and fetches again, so a short timeout
(fresh wake-ups) costs CPU in the worker and in Redis even with no traffic.
Here every enqueue also pushes a *wake token* onto `{namespace}:{queue}.wake`
(bounded with LTRIM, in the same MULTI/EXEC as the message), and a consumer
whose fetch found nothing waits on that list with BLPOP: a new message wakes it
at once, and an idle process costs one fetch and one BLPOP per consumer every
`wake_timeout_ms`. The queues themselves are Dramatiq's, untouched; a lost token
(a Redis restart, FLUSHALL, or messages Dramatiq moves back by itself) only
delays a message until the timeout, when the consumer fetches anyway.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.common import compute_backoff, current_millis
from dramatiq.errors import ConnectionClosed
from dramatiq.worker import Worker

logger = logging.getLogger(__name__)

#: Default longest wait of an idle consumer without a wake token, in ms.
DEFAULT_WAKE_TIMEOUT_MS = 1000
#: Wake tokens kept per queue: enough to wake every consumer of a burst.
DEFAULT_WAKE_BACKLOG = 64
#: Poll of a consumer that cannot take more messages (prefetch full), in ms.
DEFAULT_FULL_POLL_MS = 20
#: Seconds a broker connection waits for an answer beyond the wake timeout.
SOCKET_TIMEOUT_MARGIN = 10
#: The process-private wake list lives this long after a shutdown, in s.
SHUTDOWN_TOKEN_TTL = 60


class WakingRedisBroker(RedisBroker):
    """`RedisBroker` with wake tokens: idle consumers block instead of polling."""

    def __init__(
        self,
        *,
        wake_timeout_ms: int = DEFAULT_WAKE_TIMEOUT_MS,
        wake_backlog: int = DEFAULT_WAKE_BACKLOG,
        full_poll_ms: int = DEFAULT_FULL_POLL_MS,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.wake_timeout_ms = wake_timeout_ms
        _default_socket_timeout(broker=self)
        self.wake_backlog = wake_backlog
        self.full_poll_ms = full_poll_ms
        self.stopping = False
        check_wake_timeout(broker=self)
        self.add_middleware(_ShutdownWake())

    @property
    def consumer_class(self) -> type[_WakingConsumer]:
        return _WakingConsumer

    def wake_key(self, queue_name: str) -> str:
        """The list of wake tokens of one queue (a delay queue has its own)."""
        return f"{self.namespace}:{queue_name}.wake"

    @property
    def private_wake_key(self) -> str:
        """This process's own list: wakes its consumers at shutdown."""
        return f"{self.namespace}:__wake__.{self.broker_id}"

    def do_enqueue(self, queue_name: str, message_id: str, data: bytes) -> Any:
        """Dramatiq's enqueue script and one bounded wake token, in one transaction."""
        with self.client.pipeline(transaction=True) as pipe:
            self._dispatch_args("enqueue", queue_name, message_id, data, pipe=pipe)
            push_token(pipe=pipe, key=self.wake_key(queue_name), keep=self.wake_backlog)
            return pipe.execute()[0]

    def do_requeue(self, queue_name: str, *message_ids: str) -> Any:
        """Messages put back (a consumer closing) wake consumers too."""
        with self.client.pipeline(transaction=True) as pipe:
            self._dispatch_args("requeue", queue_name, *message_ids, pipe=pipe)
            push_token(
                pipe=pipe,
                key=self.wake_key(queue_name),
                keep=self.wake_backlog,
                count=min(len(message_ids), self.wake_backlog),
            )
            return pipe.execute()[0]

    def _dispatch_args(
        self, command: str, queue_name: str, *args: Any, pipe: Any
    ) -> None:
        """Queue Dramatiq's dispatch script on `pipe`, as `RedisBroker._dispatch` calls it."""
        self.scripts["dispatch"](
            keys=[self.namespace],
            args=[
                command,
                current_millis(),
                queue_name,
                self.broker_id,
                self.heartbeat_timeout,
                self.dead_message_ttl,
                self._should_do_maintenance(command),
                self._max_unpack_size(),
                *args,
            ],
            client=pipe,
        )

    def wake_own_consumers(self, *, count: int) -> None:
        """Unblock this process's waiting consumers (one token each), for a shutdown."""
        if count <= 0:
            return
        with self.client.pipeline(transaction=True) as pipe:
            push_token(pipe=pipe, key=self.private_wake_key, keep=count, count=count)
            pipe.expire(self.private_wake_key, SHUTDOWN_TOKEN_TTL)
            pipe.execute()


def push_token(*, pipe: Any, key: str, keep: int, count: int = 1) -> None:
    """RPUSH `count` tokens and keep only the newest `keep` of the list."""
    if count <= 0:
        return
    pipe.rpush(key, *[b"1"] * count)
    pipe.ltrim(key, -keep, -1)


def _default_socket_timeout(*, broker: WakingRedisBroker) -> None:
    """Outlast BLPOP: redis-py's own default socket timeout (5 s) would not."""
    kwargs = broker.client.connection_pool.connection_kwargs
    kwargs.setdefault(
        "socket_timeout", broker.wake_timeout_ms / 1000 + SOCKET_TIMEOUT_MARGIN
    )


def check_wake_timeout(*, broker: WakingRedisBroker) -> None:
    """Fail at start-up on a wake timeout the connection or heartbeats cannot bear."""
    if broker.wake_timeout_ms <= 0:
        raise ValueError("wake_timeout_ms must be positive (BLPOP 0 blocks forever)")
    if broker.wake_timeout_ms >= broker.heartbeat_timeout:
        # A consumer fetches (and so heartbeats) once per wait at least.
        raise ValueError(
            f"wake_timeout_ms ({broker.wake_timeout_ms}) must be shorter than the "
            f"broker's heartbeat_timeout ({broker.heartbeat_timeout})"
        )
    kwargs = broker.client.connection_pool.connection_kwargs
    socket_timeout = kwargs.get("socket_timeout")
    if socket_timeout is not None and socket_timeout * 1000 <= broker.wake_timeout_ms:
        raise ValueError(
            f"the broker's Redis socket_timeout ({socket_timeout} s) must be longer "
            f"than wake_timeout_ms ({broker.wake_timeout_ms}): BLPOP waits that long"
        )


class _WakingConsumer(_RedisConsumer):
    """Fetches like Dramatiq's consumer, but waits on wake tokens when idle."""

    def __init__(self, broker: WakingRedisBroker, *args: Any) -> None:
        super().__init__(broker, *args)
        # ETAs of the delayed messages this consumer holds (delay queues only).
        self.etas: dict[str, int] = {}

    def __next__(self) -> Any:
        try:
            while True:
                if self.message_cache:
                    return self._take_cached()
                if self.outstanding_message_count >= self.prefetch:
                    return self._wait_full()
                self.message_cache = self.broker.do_fetch(
                    self.queue_name, self.prefetch - self.outstanding_message_count
                )
                if not self.message_cache:
                    return self._wait_for_wake()
        except (redis.ConnectionError, redis.TimeoutError) as e:
            raise ConnectionClosed(e) from None

    def _take_cached(self) -> Any:
        proxy = super().__next__()
        if proxy is not None and proxy.options.get("eta") is not None:
            self.etas[proxy.message_id] = proxy.options["eta"]
        return proxy

    def _wait_full(self) -> None:
        """Prefetch is full: poll briefly, as Dramatiq does, without taking a token."""
        self.misses, backoff_ms = compute_backoff(
            self.misses, max_backoff=self.broker.full_poll_ms
        )
        time.sleep(backoff_ms / 1000)
        return None

    def _wait_for_wake(self) -> None:
        """Block on the queue's wake tokens until the timeout or the next ETA."""
        timeout_ms = self.broker.wake_timeout_ms
        if self.etas:
            timeout_ms = min(timeout_ms, min(self.etas.values()) - current_millis())
        if self.broker.stopping:
            timeout_ms = min(timeout_ms, self.broker.full_poll_ms)
        if timeout_ms <= 0:
            return None
        self.broker.client.blpop(
            [self.broker.wake_key(self.queue_name), self.broker.private_wake_key],
            timeout=timeout_ms / 1000,
        )
        return None

    def ack(self, message: Any) -> None:
        self.etas.pop(message.message_id, None)
        super().ack(message)

    def nack(self, message: Any) -> None:
        self.etas.pop(message.message_id, None)
        super().nack(message)


class _ShutdownWake(dramatiq.Middleware):
    """On worker shutdown, consumers stop blocking so they see the stop at once."""

    def before_worker_shutdown(self, broker: Any, worker: Worker) -> None:
        broker.stopping = True
        try:
            broker.wake_own_consumers(count=len(worker.consumers))
        except redis.RedisError as e:
            # Redis is gone: the consumers' BLPOP fails too, and they stop.
            logger.info("could not wake consumers for shutdown: %s", e)
