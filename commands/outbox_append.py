"""Appending events to the outbox, inside the transaction that makes the change."""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import uuid4

import orjson
from django.db import connection

from commands import events
from commands.correlation import current_correlation_id
from commands.errors import OutboxMisuse
from commands.models import OutboxEvent

SHARDS = 256
TABLE = OutboxEvent._meta.db_table

_COLUMNS = (
    "event_id, aggregate_type, aggregate_id, aggregate_version, shard, "
    "event_type, schema_version, payload, occurred_at, correlation_id"
)
_ROW_PLACEHOLDERS = "(%s, %s, %s, %s, %s, %s, %s, %s::jsonb, clock_timestamp(), %s)"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to append: the aggregate's full state after one change."""

    aggregate_type: str
    aggregate_id: int | str
    version: int
    event_type: str
    payload: dict[str, Any]


def shard_of(*, aggregate_type: str, aggregate_id: int | str) -> int:
    """The shard (0..255) of an aggregate; segment = shard % segment count."""
    return zlib.crc32(f"{aggregate_type}:{aggregate_id}".encode()) % SHARDS


def outbox_append(
    *,
    aggregate_type: str,
    aggregate_id: int | str,
    version: int,
    event_type: str,
    payload: dict[str, Any],
) -> None:
    """Append one event in the current transaction (which must be open)."""
    outbox_extend(
        [
            NewEvent(
                aggregate_type=aggregate_type,
                aggregate_id=aggregate_id,
                version=version,
                event_type=event_type,
                payload=payload,
            )
        ]
    )


def outbox_extend(new_events: Sequence[NewEvent]) -> None:
    """Append several events with one INSERT, in the current transaction."""
    if not new_events:
        return
    if not connection.in_atomic_block:
        raise OutboxMisuse(
            "outbox events must be appended inside the transaction that makes the "
            "change; call the command handler (it is atomic) instead"
        )
    correlation_id = current_correlation_id()
    params: list[Any] = []
    for event in new_events:
        params.extend(_row_params(event, correlation_id=correlation_id))
    values = ", ".join([_ROW_PLACEHOLDERS] * len(new_events))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES {values}", params)


def _row_params(event: NewEvent, *, correlation_id: str) -> tuple[Any, ...]:
    version = events.schema_version(
        event_type=event.event_type, aggregate_type=event.aggregate_type
    )
    aggregate_id = str(event.aggregate_id)
    return (
        uuid4(),
        event.aggregate_type,
        aggregate_id,
        event.version,
        shard_of(aggregate_type=event.aggregate_type, aggregate_id=aggregate_id),
        event.event_type,
        version,
        orjson.dumps(event.payload, default=_json_default).decode(),
        correlation_id,
    )


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def current_txid() -> int:
    """The xid8 of the open transaction: the consistency token of its writes."""
    if not connection.in_atomic_block:
        raise OutboxMisuse("current_txid() needs the writing transaction to be open")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text::bigint")
        return int(cursor.fetchone()[0])
