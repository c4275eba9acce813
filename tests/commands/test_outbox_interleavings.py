"""Property: whatever the interleaving of writes, commits, rollbacks and reads,
the snapshot-pair reader delivers every committed event exactly once, none of a
rolled-back transaction, and each aggregate's events in version order."""

import uuid
from collections import Counter
from dataclasses import dataclass, field

import psycopg
import pytest
from django.db import connection
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from commands.outbox import ReadPosition, read_batch
from tests.sessions import pg_session

pytestmark = pytest.mark.django_db(transaction=True)

SESSIONS = 3
AGGREGATES = ("a", "b", "c")

INSERT = """
INSERT INTO commands_outboxevent (event_id, aggregate_type, aggregate_id,
    aggregate_version, shard, event_type, schema_version, payload, occurred_at,
    correlation_id)
VALUES (%s, 'product', %s, %s, 0, 'ProductUpdated', 1, '{}', now(), '')
"""

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("write"), st.integers(0, SESSIONS - 1), st.sampled_from(AGGREGATES)
        ),
        # take a txid before any write: the transaction may then write an
        # aggregate only after another one committed it (a smaller txid, a
        # later version)
        st.tuples(st.just("xid"), st.integers(0, SESSIONS - 1), st.none()),
        st.tuples(st.just("commit"), st.integers(0, SESSIONS - 1), st.none()),
        st.tuples(st.just("rollback"), st.integers(0, SESSIONS - 1), st.none()),
        st.tuples(st.just("read"), st.none(), st.none()),
    ),
    max_size=40,
)


@dataclass
class World:
    """The sessions and what the test knows they did."""

    sessions: list[psycopg.Connection]
    position: ReadPosition
    limit: int
    versions: Counter = field(default_factory=Counter)
    pending: dict[int, dict[str, list[tuple[str, int]]]] = field(default_factory=dict)
    committed: list[str] = field(default_factory=list)
    rolled_back: list[str] = field(default_factory=list)
    delivered: list[tuple[str, str, int]] = field(default_factory=list)

    def write(self, session: int, aggregate: str) -> None:
        if any(aggregate in w for s, w in self.pending.items() if s != session):
            return  # another open transaction holds the aggregate's lock
        mine = self.pending.setdefault(session, {})
        version = (
            max([self.versions[aggregate], *(v for _, v in mine.get(aggregate, []))])
            + 1
        )
        event_id = str(uuid.uuid4())
        self.sessions[session].execute(INSERT, [event_id, aggregate, version])
        mine.setdefault(aggregate, []).append((event_id, version))

    def take_xid(self, session: int) -> None:
        self.sessions[session].execute("SELECT pg_current_xact_id()")
        self.pending.setdefault(session, {})

    def end(self, session: int, *, commit: bool) -> None:
        written = self.pending.pop(session, {})
        ids = [event_id for events in written.values() for event_id, _ in events]
        if commit:
            self.sessions[session].commit()
            self.committed.extend(ids)
            for aggregate, events in written.items():
                self.versions[aggregate] = max(v for _, v in events)
        else:
            self.sessions[session].rollback()
            self.rolled_back.extend(ids)

    def read(self) -> bool:
        batch = read_batch(position=self.position, limit=self.limit, shards=[0])
        self.delivered.extend(
            (str(e.event_id), e.aggregate_id, e.aggregate_version) for e in batch.events
        )
        self.position = batch.next
        return batch.complete

    def finish(self) -> None:
        for session in list(self.pending):
            self.end(session, commit=True)
        while not self.read():
            pass  # the rest of the pair in progress
        while not self.read():
            pass  # a new pair after the last commit, to its last page


def play(actions, *, limit: int) -> World:
    sessions = [pg_session() for _ in range(SESSIONS)]
    try:
        world = World(sessions=sessions, position=_now(), limit=limit)
        for action, session, aggregate in actions:
            if action == "write":
                world.write(session, aggregate)
            elif action == "xid":
                world.take_xid(session)
            elif action in ("commit", "rollback"):
                world.end(session, commit=action == "commit")
            else:
                world.read()
        world.finish()
        return world
    finally:
        for session in sessions:
            session.close()


def _now() -> ReadPosition:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return ReadPosition(since=cursor.fetchone()[0])


def _in_version_order(delivered: list[tuple[str, str, int]]) -> bool:
    last: dict[str, int] = {}
    for _, aggregate, version in delivered:
        if version <= last.get(aggregate, 0):
            return False
        last[aggregate] = version
    return True


PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# A page read while a transaction is open, then that transaction's two events
# read one page at a time once it commits.
PAGED_AFTER_COMMIT = [
    ("write", 0, "a"),
    ("commit", 0, None),
    ("write", 0, "a"),
    ("write", 0, "a"),
    ("read", None, None),
]


@PROPERTY
@given(actions=steps, limit=st.integers(1, 4))
@example(actions=PAGED_AFTER_COMMIT, limit=1)
def test_read_batch_delivers_each_committed_event_once_in_any_interleaving(
    actions, limit
):
    world = play(actions, limit=limit)

    delivered = [event_id for event_id, _, _ in world.delivered]
    assert sorted(delivered) == sorted(world.committed)
    assert not set(delivered) & set(world.rolled_back)


# A transaction that took its txid first changes `a` after another committed it:
# the smaller txid carries the later version.
INVERTED = [
    ("xid", 1, None),
    ("write", 0, "a"),
    ("commit", 0, None),
    ("write", 1, "a"),
    ("commit", 1, None),
]


@PROPERTY
@given(actions=steps)
@example(actions=INVERTED)
def test_read_batch_keeps_each_aggregate_in_version_order_in_any_interleaving(
    actions,
):
    world = play(actions, limit=1000)

    assert _in_version_order(world.delivered)
