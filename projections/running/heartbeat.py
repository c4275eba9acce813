"""A trivial actor that proves a worker consumes the broker: it stamps Redis."""

import time

import dramatiq

from config import connections
from projections import naming


def heartbeat_key(token: str) -> str:
    return f"{naming.namespace()}:heartbeat:{token}"


@dramatiq.actor(actor_name="heartbeat", queue_name="diagnostics", max_retries=0)
def heartbeat(token: str) -> None:
    """Record that a worker processed this message, with the time it did."""
    connections.redis_client().set(heartbeat_key(token), repr(time.time()), ex=300)
