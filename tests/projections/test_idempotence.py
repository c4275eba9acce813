"""Duplicated, late and reordered delivery cannot corrupt a read model."""

import os
import random

import pytest

from commands.outbox import ReadPosition, read_batch
from projections import registry
from projections.lifecycle import generations
from projections.running.batches import apply_events
from tests.projections import agreement
from tests.projections.draining import redis_model, search_documents
from tests.projections.workload import Workload

pytestmark = pytest.mark.usefixtures("engine_db")

EVENTS = int(os.environ.get("CQRS_IDEMPOTENCE_EVENTS", "5000"))
INTERLEAVED_EVENTS = int(os.environ.get("CQRS_INTERLEAVED_EVENTS", "1500"))


def _committed_after(position):
    """Every committed event after `position`, and the position after them."""
    events = []
    while True:
        batch = read_batch(position=position, limit=5000)
        events.extend(batch.events)
        position = batch.next
        if batch.complete:
            return events, position


def _stores(generation: str):
    stores = {}
    for spec in registry.all_specs():
        store = generations.store_for(spec=spec, generation=generation)
        store.ensure(live=False)
        stores[spec.name] = store
    return stores


def _deliver(events, *, stores, chunk: int = 250) -> None:
    for start in range(0, len(events), chunk):
        for spec in registry.all_specs():
            parked = apply_events(
                spec=spec, store=stores[spec.name], events=events[start : start + chunk]
            )
            assert parked == []


def _duplicated(events, *, rng: random.Random):
    return [event for event in events for _ in range(rng.randint(1, 3))]


def _snapshot(generation: str):
    """Every document (with its version), hash, and leaderboard of a generation."""
    models = {}
    for spec in registry.all_specs():
        if spec.store == "opensearch":
            models[spec.name] = search_documents(spec.name, generation=generation)
        else:
            model = redis_model(spec.name, generation=generation)
            models[spec.name] = {
                key.split(":", 3)[3]: value for key, value in model.items()
            }
    return models


def test_events_delivered_one_to_three_times_shuffled_equal_a_serial_run():
    """The shuffled deliveries interleave with the writes, so each document is
    loaded in intermediate states and an old event often lands after a newer
    state was written: only versions keep the newer state."""
    rng = random.Random(20)
    workload = Workload(seed=20)
    workload.setup()
    shuffled = _stores("shuffled")
    cursor, pending, early = ReadPosition(), [], 0
    for phase in range(1, 6):
        workload.run_until(events=EVENTS * phase // 5)
        fresh, cursor = _committed_after(cursor)
        pending.extend(_duplicated(fresh, rng=rng))
        rng.shuffle(pending)
        now, pending = pending[: len(pending) // 2], pending[len(pending) // 2 :]
        _deliver(now, stores=shuffled)
        early += len(now)
    _deliver(pending, stores=shuffled)
    events, _ = _committed_after(ReadPosition())

    _deliver(events, stores=_stores("serial"), chunk=500)

    serial = _snapshot("serial")
    assert len(events) >= EVENTS
    assert early > len(events) // 2  # most deliveries saw a state that moved on
    assert sum(len(model) for model in serial.values()) > 0
    assert _snapshot("shuffled") == serial


def test_events_delivered_late_and_out_of_order_during_writes_match_the_write_model():
    """Deliveries interleave with the writes, so documents are loaded in
    intermediate states and old events arrive after newer ones."""
    rng = random.Random(21)
    workload = Workload(seed=21)
    workload.setup()
    live = {}
    for spec in registry.all_specs():
        generation = generations.ensure_live_generation(spec.name).generation
        live[spec.name] = generations.store_for(spec=spec, generation=generation)
    cursor, pending = ReadPosition(), []
    for phase in range(1, 6):
        workload.run_until(events=INTERLEAVED_EVENTS * phase // 5)
        fresh, cursor = _committed_after(cursor)
        pending.extend(_duplicated(fresh, rng=rng))
        rng.shuffle(pending)
        now, pending = pending[: len(pending) // 2], pending[len(pending) // 2 :]
        _deliver(now, stores=live)

    _deliver(pending, stores=live)

    assert agreement.mismatches() == []
