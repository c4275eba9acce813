"""Per-minute counts of applied events (the console's sparkline) and its drawing."""

from projections.ops.console_display import sparkline_points
from projections.running import throughput

NOON = 1_800_000_000.0  # a fixed instant, seconds since the epoch


def test_throughput_counts_events_per_minute_for_the_last_hour(redis_client):
    throughput.record(projection="stock", generation="1", events=5, now=NOON - 120)
    throughput.record(projection="stock", generation="1", events=3, now=NOON)
    throughput.record(projection="stock", generation="1", events=4, now=NOON + 1)
    throughput.record(projection="stock", generation="2", events=9, now=NOON)

    counts = throughput.per_minute(projection="stock", generation="1", now=NOON)

    assert len(counts) == 60
    assert counts[-3:] == [5, 0, 7]
    assert sum(counts) == 12


def test_throughput_counters_expire(redis_client):
    throughput.record(projection="stock", generation="1", events=1, now=NOON)

    key = throughput.counter_key(
        projection="stock", generation="1", minute=int(NOON) // 60
    )
    assert 0 < redis_client.ttl(key) <= throughput.KEEP_SECONDS


def test_sparkline_scales_the_busiest_minute_to_the_top():
    assert sparkline_points([0, 10, 5]) == "0.0,23.0 60.0,1.0 120.0,12.0"
    assert sparkline_points([0, 0]) == "0.0,23.0 120.0,23.0"
