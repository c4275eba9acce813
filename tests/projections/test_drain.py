"""SIGTERM drains a real worker mid catch-up: it exits by itself, and the batch
it finished or abandoned is neither lost nor applied twice (the checkpoint only
moves with a fenced commit after the store writes, so an abandoned batch is read
again by the next runner)."""

import os
import signal
import uuid

import pytest
from django.db.models import Sum

from config import connections
from projections.models import DeadLetter, SegmentCheckpoint
from projections.running.heartbeat import heartbeat, heartbeat_key
from tests.processes import poll_until, start_listener, start_worker
from tests.projections import agreement
from tests.projections.workload import Workload

EVENTS = 3000


def _applied() -> int:
    return SegmentCheckpoint.objects.aggregate(n=Sum("events_applied"))["n"] or 0


def _horizons() -> dict[tuple[str, str, int], int]:
    """Each segment's horizon: every txid below it is applied. (The page
    position inside a snapshot pair goes back to zero when the pair is done.)"""
    return {
        (c.projection, c.generation, c.segment): c.horizon
        for c in SegmentCheckpoint.objects.all()
    }


@pytest.mark.slow
@pytest.mark.usefixtures("broker_queues")
def test_worker_sigterm_mid_catch_up_loses_nothing(projector_env, tmp_path):
    workload = Workload(seed=21)
    workload.setup()
    workload.run_until(events=EVENTS)
    # Runs of one small batch each: the catch-up is many short messages, so a
    # SIGTERM after the first applied batch always finds most of it still to do
    # however fast the machine.
    slow = {**projector_env, "CQRS_BATCH_SIZE": "20", "CQRS_RUN_MAX_BATCHES": "1"}
    worker = start_worker(env=slow, log_dir=tmp_path)
    # A SIGTERM before the child is ready kills it outright (dramatiq's rule),
    # which is not the drain under test.
    token = uuid.uuid4().hex
    heartbeat.send(token)
    redis_client = connections.redis_client()
    poll_until(lambda: redis_client.exists(heartbeat_key(token)), timeout=60)
    listener = start_listener(env=projector_env, log_dir=tmp_path)
    try:
        poll_until(lambda: _applied() > 0, timeout=60, interval=0.02)
        # To the dramatiq parent only, as supervisord/systemd send it: the parent
        # forwards it once. (A second SIGTERM makes a dramatiq child exit at once.)
        os.kill(worker.popen.pid, signal.SIGTERM)
        returncode = worker.popen.wait(timeout=45)
        stopped_log = worker.tail()
        at_stop = _horizons()
        behind = agreement.mismatches()
        worker = start_worker(env=projector_env, log_dir=tmp_path)
        poll_until(lambda: not agreement.mismatches(), timeout=120, interval=1.0)
    finally:
        worker.stop()
        listener.stop()

    after = _horizons()
    assert returncode == 0, stopped_log
    assert behind, "SIGTERM came after the catch-up had finished; nothing was tested"
    went_back = {key: (h, after[key]) for key, h in at_stop.items() if after[key] < h}
    assert not went_back
    assert agreement.mismatches() == []
    assert not DeadLetter.objects.exists()
