"""The shape of an outbox event as the projections read it.

`commands.outbox.OutboxRecord` has it, and so has a parked `DeadLetter`, so a
dead letter can be replayed through the same code path as a live event.
"""

import datetime
import uuid
from typing import Any, Protocol


class Event(Protocol):
    """Read-only attributes, so frozen records and model instances both qualify."""

    @property
    def position(self) -> int: ...

    @property
    def txid(self) -> int: ...

    @property
    def event_id(self) -> uuid.UUID: ...

    @property
    def aggregate_type(self) -> str: ...

    @property
    def aggregate_id(self) -> str: ...

    @property
    def aggregate_version(self) -> int: ...

    @property
    def shard(self) -> int: ...

    @property
    def event_type(self) -> str: ...

    @property
    def schema_version(self) -> int: ...

    @property
    def payload(self) -> Any: ...

    @property
    def occurred_at(self) -> datetime.datetime: ...

    @property
    def correlation_id(self) -> str: ...


def aggregate_of(event: Event) -> tuple[str, str]:
    """The `(aggregate_type, aggregate_id)` an event belongs to."""
    return (event.aggregate_type, str(event.aggregate_id))
