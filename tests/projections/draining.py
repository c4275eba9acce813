"""Drive projections to completion in-process, and read back what they wrote."""

import time
from typing import Any

from django.db import connection
from opensearchpy import helpers

from commands.models import OutboxEvent
from config import connections
from projections import naming, registry
from projections.lifecycle import generations
from projections.models import SegmentCheckpoint
from projections.running import engine
from projections.visibility import TxSnapshot


def outbox_head_txid() -> int:
    """The largest txid in the outbox (0 if empty)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(max(txid::text::bigint), 0) FROM {OutboxEvent._meta.db_table}"
        )
        return int(cursor.fetchone()[0])


def drain(*, names: list[str] | None = None, timeout: float = 60.0) -> None:
    """Run every segment until each has applied every event now in the outbox."""
    names = names or registry.names()
    head = outbox_head_txid()
    deadline = time.monotonic() + timeout
    while True:
        for name in names:
            generation = generations.ensure_live_generation(name)
            for segment in range(generation.segments):
                engine.run_segment(projection=name, segment=segment)
        if all(_passed(name=name, txid=head) for name in names):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"projections did not pass txid {head} in {timeout}s")
        time.sleep(0.05)


def _passed(*, name: str, txid: int) -> bool:
    live = generations.live_generation(name)
    rows = SegmentCheckpoint.objects.filter(projection=name, generation=live.generation)
    return all(TxSnapshot.parse(row.checkpoint_snapshot).sees(txid) for row in rows)


def search_documents(
    projection: str, *, generation: str | None = None
) -> dict[str, Any]:
    """Every document of a projection's index: id -> (version, source)."""
    client = connections.opensearch()
    index = (
        naming.alias(projection)
        if generation is None
        else naming.index_name(projection=projection, generation=generation)
    )
    client.indices.refresh(index=index)
    hits = helpers.scan(
        client, index=index, query={"query": {"match_all": {}}}, version=True
    )
    return {hit["_id"]: (hit["_version"], hit["_source"]) for hit in hits}


def redis_model(projection: str, *, generation: str = "1") -> dict[str, Any]:
    """Every key of one generation of a Redis projection, with its content."""
    client = connections.redis_client()
    prefix = naming.redis_prefix(projection=projection, generation=generation)
    model: dict[str, Any] = {}
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        kind = client.type(key)
        if kind == "hash":
            model[key] = client.hgetall(key)
        elif kind == "zset":
            model[key] = client.zrange(key, 0, -1, withscores=True)
    return model
