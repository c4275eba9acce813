"""Snapshots in Python agree with PostgreSQL on which transactions they see."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.running import watermarks
from projections.visibility import TxSnapshot, common, lag

snapshots = st.builds(
    lambda xmin, width, running: TxSnapshot(
        xmin=xmin,
        xmax=xmin + width,
        xip=frozenset(x for x in running if xmin <= x < xmin + width),
    ),
    xmin=st.integers(3, 60),
    width=st.integers(0, 20),
    running=st.frozensets(st.integers(3, 80), max_size=8),
)


def test_snapshot_parses_pg_snapshot_text_and_old_watermarks():
    assert TxSnapshot.parse("10:20:12,15") == TxSnapshot(10, 20, frozenset({12, 15}))
    assert TxSnapshot.parse("700") == TxSnapshot(700, 700)
    assert str(TxSnapshot(10, 20, frozenset({15, 12}))) == "10:20:12,15"


@pytest.mark.django_db
@settings(max_examples=60, deadline=None)
@given(snapshot=snapshots, txid=st.integers(1, 90))
def test_snapshot_sees_what_pg_visible_in_snapshot_sees(snapshot, txid):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_visible_in_snapshot(%s::xid8, %s::pg_snapshot)",
            [str(txid), str(snapshot)],
        )
        expected = cursor.fetchone()[0]

    assert snapshot.sees(txid) == expected


@given(snapshots=st.lists(snapshots, min_size=1, max_size=4), txid=st.integers(1, 90))
def test_common_snapshot_sees_exactly_what_all_of_them_see(snapshots, txid):
    assert common(snapshots).sees(txid) == all(s.sees(txid) for s in snapshots)


@given(a=snapshots, b=snapshots)
def test_covers_means_sees_everything_the_other_sees(a, b):
    seen_by_b = [t for t in range(1, 90) if b.sees(t)]

    assert a.covers(b) == all(a.sees(t) for t in seen_by_b)


def test_lag_counts_txids_to_go_and_one_for_a_running_token():
    snapshot = TxSnapshot.parse("10:20:12")

    assert [lag(snapshot=snapshot, txid=t) for t in (11, 12, 20, 25)] == [0, 1, 1, 6]


def test_watermark_only_moves_forward_under_concurrent_publishers(
    redis_client, namespace
):
    script = redis_client.register_script(watermarks.RAISE_ONLY)
    key = f"{namespace}:test:watermark"
    published = ["100:100:", "100:120:105,110", "100:120:110", "100:120:105,110"]
    published += ["90:95:", "130"]

    stored = []
    for value in published:
        script(keys=[key], args=[value])
        stored.append(redis_client.get(key))
    redis_client.delete(key)

    assert stored == [
        "100:100:",
        "100:120:105,110",
        "100:120:110",
        "100:120:110",
        "100:120:110",
        "130",
    ]
