"""Migration 0910 turns `(txid, position)` checkpoints into snapshots in place."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projections.models import SegmentCheckpoint
from projections.visibility import TxSnapshot

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("projections", "0900_rebuilds")]
AFTER = [("projections", "0910_snapshot_checkpoints")]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def latest() -> list[tuple[str, str]]:
    graph = MigrationExecutor(connection).loader.graph
    return [node for node in graph.leaf_nodes() if node[0] == "projections"]


@pytest.fixture
def old_checkpoints():
    """Checkpoints written before 0910: (txid, position) and horizon."""
    executor = migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    checkpoint = old.get_model("projections", "SegmentCheckpoint")
    for segment, (txid, position, horizon) in enumerate(
        [(900, 5, 850), (700, 2, 1000), (0, 0, 0)]
    ):
        checkpoint.objects.create(
            projection="stock",
            generation="1",
            segment=segment,
            checkpoint_txid=txid,
            checkpoint_position=position,
            horizon=horizon,
        )
    yield
    migrate(latest())


def test_0910_turns_position_checkpoints_into_snapshots_without_a_rebuild(
    old_checkpoints,
):
    migrate(AFTER)

    rows = SegmentCheckpoint.objects.order_by("segment").values_list(
        "checkpoint_snapshot", "target_snapshot", "horizon"
    )
    assert list(rows) == [
        ("900:900:", "", 900),  # its own txid is read again (harmless)
        ("1000:1000:", "", 1000),
        ("1:1:", "", 1),  # never ran: from the start of the outbox
    ]
    assert TxSnapshot.parse(rows[0][0]).sees(899)
