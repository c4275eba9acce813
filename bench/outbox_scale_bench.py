"""P7: the outbox reader at a large outbox vs a small one, and prune_outbox.

In a throwaway database the outbox is filled with set-based SQL (the writes
are not what is measured) to --small rows, then grown to --large rows, and at
each size the real reader, `commands.outbox.read_batch`, is timed as a
projection segment calls it (`limit=BATCH_SIZE`, the shards of one of 4
segments):

- window: the newest --window events, read from a checkpoint snapshot taken
  just before them (a projector a little behind), every segment, page by
  page, --rounds times: p50/p99 ms per batch and events/s;
- caught up: the empty read of a segment with nothing new (the steady state).

Rows look like real ones: JSON payloads of 300-600 bytes, aggregates spread
over the 256 shards, 1-5 events per transaction. Every row's `txid` is a real
transaction id: the benchmark burns xids with a procedure that commits once
per id and gives each one its events, so the rows sit below the checkpoint's
xmin (history) or between its xmax and the reader's (the window) exactly as
committed writers' rows do. A transaction with --held events is open while
the checkpoint is taken and commits inside the window, so both halves of the
reader's pair (the ended `xip` and the `xmax` range) are read. Every read
asserts the count it returns.

Then `outbox_prune` (what `prune_outbox --keep-days` runs) on the large table:
every segment of every projection's live generation claims its lease, is
placed at the window's checkpoint and reads the window through `read_batch`,
advancing its fenced checkpoint page by page (nothing is folded); rows are
dated over --history-days. Timed: the prune, a VACUUM, a second prune (the
steady state), rows and sizes after each, and whether re-inserted rows reuse
the freed space.

    PGPORT=54349 .venv/bin/python bench/outbox_scale_bench.py              # 100k vs 1M
    PGPORT=54349 .venv/bin/python bench/outbox_scale_bench.py --large 10000000
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import harness
import psycopg

NAMESPACE = "p7bench"
GOAL = 1.2  # large / small, for batch latency and events/s
SEGMENTS = 4
CHUNK = 240_000  # rows per INSERT statement while filling (a multiple of 15)
PRODUCTS = 200_000  # aggregates the rows are spread over (per type)

BURN = """
CREATE PROCEDURE bench_burn_xids(n integer) LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..n LOOP
        PERFORM pg_current_xact_id();
        COMMIT;
    END LOOP;
END $$
"""

# Row g of the table (0-based over the whole run): 15 rows per 5 transactions
# (1, 2, 3, 4 and 5 events), dated on a line that ends now at row --large.
# `txid` is %(lo)s plus the transaction's index, or the writer's own.
INSERT = """
INSERT INTO commands_outboxevent (txid, event_id, aggregate_type, aggregate_id,
    aggregate_version, shard, event_type, schema_version, payload, occurred_at,
    correlation_id)
SELECT {txid}, gen_random_uuid(), k.aggregate_type, a.id::text,
       g / %(products)s + 1, abs(hashtext(k.aggregate_type || ':' || a.id)) %% 256,
       k.event_type, 1,
       jsonb_build_object(
           'id', a.id, 'sku', 'SKU-' || lpad(a.id::text, 8, '0'),
           'name', 'Bench item ' || a.id, 'status', 'active',
           'price', ((a.id %% 9000) / 100.0 + 1)::text, 'currency', 'EUR',
           'category_id', a.id %% 48, 'version', g / %(products)s + 1,
           'on_hand', a.id %% 500, 'reserved', a.id %% 7,
           'attributes', jsonb_build_object('colour', 'blue', 'size', g %% 13),
           'description', repeat(md5(g::text), (2 + g %% 10)::int)),
       now() - make_interval(secs => (%(last)s - g) * %(spacing)s),
       md5((g / 3)::text)
FROM generate_series(%(first)s::bigint, %(first)s + %(count)s - 1) AS g,
LATERAL (SELECT (g * 7919) %% %(products)s AS id) AS a,
LATERAL (SELECT (ARRAY['product', 'product', 'product', 'product', 'stock',
                       'stock', 'stock', 'order', 'order', 'customer'])[g %% 10 + 1]
                    AS aggregate_type,
                (ARRAY['ProductUpdated', 'ProductUpdated', 'ProductCreated',
                       'ProductUpdated', 'StockAdjusted', 'StockReserved',
                       'StockCommitted', 'OrderPlaced', 'OrderPaid',
                       'CustomerUpdated'])[g %% 10 + 1] AS event_type) AS k
"""
BURNED_TXID = (
    "(%(lo)s::bigint + 5 * ((g - %(first)s) / 15)"
    " + (ARRAY[0,1,1,2,2,2,3,3,3,3,4,4,4,4,4])[(g - %(first)s) %% 15 + 1])"
    "::text::xid8"
)

SIZES = """
SELECT pg_relation_size('commands_outboxevent'),
       pg_indexes_size('commands_outboxevent'),
       pg_total_relation_size('commands_outboxevent'),
       (SELECT count(*) FROM commands_outboxevent)
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=100_000, help="rows, small")
    parser.add_argument("--large", type=int, default=1_000_000, help="rows, large")
    parser.add_argument("--window", type=int, default=50_000, help="events read")
    parser.add_argument("--held", type=int, default=20, help="events of the open tx")
    parser.add_argument("--rounds", type=int, default=3, help="window reads per size")
    parser.add_argument("--idle-reads", type=int, default=50, help="per segment")
    parser.add_argument("--history-days", type=float, default=30.0)
    parser.add_argument("--keep-days", type=float, default=7.0, help="prune keeps")
    parser.add_argument("--skip-prune", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN a window page at each size"
    )
    args = parser.parse_args()
    if not args.window < args.small < args.large:
        parser.error("need --window < --small < --large")
    return args


@dataclass
class Timeline:
    """Where rows go: the next row index, and the dates of the whole run."""

    last: int  # the row dated now
    spacing: float  # seconds between rows
    next_g: int = 0


@dataclass
class SizeResult:
    rows: int
    fill_seconds: float
    heap_bytes: int
    index_bytes: int
    total_bytes: int
    batch_ms: list[float] = field(default_factory=list)
    events_per_s: list[float] = field(default_factory=list)
    first_ms: list[float] = field(default_factory=list)  # a pair's first page
    idle_ms: list[float] = field(default_factory=list)
    explain: list[str] = field(default_factory=list)
    since: str = ""  # the window's checkpoint


# ------------------------------------------------------------------ filling


def insert_rows(
    raw: psycopg.Connection, *, timeline: Timeline, count: int, lo: int | None
) -> None:
    """Insert `count` rows at the timeline's next index, `CHUNK` per statement;
    their txids are burned ones from `lo` on, or (None) the writer's own."""
    done = 0
    while done < count:
        step = min(CHUNK, count - done)
        params = {
            "first": timeline.next_g,
            "count": step,
            "products": PRODUCTS,
            "last": timeline.last,
            "spacing": timeline.spacing,
        }
        txid = "pg_current_xact_id()"  # the column default: the writer's own
        if lo is not None:
            # 15 rows per 5 transactions: a chunk boundary must stay on a cycle.
            txid = BURNED_TXID
            params["lo"] = lo + (done // 15) * 5
        raw.execute(INSERT.format(txid=txid), params)
        timeline.next_g += step
        done += step
        if count > CHUNK:
            print(f"    {timeline.next_g:,} rows", flush=True)


def burn(raw: psycopg.Connection, *, rows: int) -> int:
    """Commit enough transactions for `rows` events; the first of their xids."""
    xids = (rows + 14) // 15 * 5
    lo = int(raw.execute("SELECT pg_current_xact_id()::text::bigint").fetchone()[0])
    raw.execute("CALL bench_burn_xids(%s)", [xids])
    return lo + 1


def committed_rows(raw: psycopg.Connection, *, timeline: Timeline, count: int) -> None:
    """`count` rows of freshly committed transactions (1-5 events each)."""
    lo = burn(raw, rows=count)
    insert_rows(raw, timeline=timeline, count=count, lo=lo)


def grow(
    raw: psycopg.Connection,
    *,
    database: str,
    timeline: Timeline,
    to: int,
    window: int,
    held: int,
) -> str:
    """Grow the outbox to `to` rows; the newest `window` are committed after
    the checkpoint snapshot returned, `held` of them by a transaction that was
    open when it was taken."""
    committed_rows(raw, timeline=timeline, count=to - timeline.next_g - window)
    with psycopg.connect(harness.dsn(database)) as long_tx:
        insert_rows(long_tx, timeline=timeline, count=held, lo=None)
        own = long_tx.execute("SELECT pg_current_xact_id()::text").fetchone()[0]
        # A snapshot's xmax is the latest *completed* txid + 1: a later
        # transaction must end first, or the open one is not in its xip.
        raw.execute("CALL bench_burn_xids(1)")
        since = str(raw.execute("SELECT pg_current_snapshot()::text").fetchone()[0])
        assert own in since.split(":")[2].split(","), (own, since)
        committed_rows(raw, timeline=timeline, count=window - held)
        long_tx.commit()
    assert timeline.next_g == to
    return since


def vacuum_and_measure(raw: psycopg.Connection) -> tuple[int, int, int, int]:
    raw.execute("VACUUM ANALYZE commands_outboxevent")
    return sizes(raw)


# ------------------------------------------------------------------ reading


def read_window(
    *, since: str, expected: int, limit: int, firsts: list[float]
) -> tuple[list[float], float, list]:
    """Every segment reads the pair after `since` page by page: seconds per
    batch, events/s over all of them, and where each segment ends up. The
    seconds of each pair's first page (no target yet) go to `firsts` too."""
    from commands.outbox import ReadPosition, read_batch
    from projections.running.engine import shards_of

    times: list[float] = []
    events = 0
    ends = []
    for segment in range(SEGMENTS):
        shards = shards_of(segment=segment, segments=SEGMENTS)
        position = ReadPosition(since=since)
        while True:
            started = time.perf_counter()
            batch = read_batch(position=position, limit=limit, shards=shards)
            times.append(time.perf_counter() - started)
            if not position.target:
                firsts.append(times[-1])
            events += len(batch)
            position = batch.next
            if batch.complete:
                break
        ends.append(position)
    assert events == expected, f"read {events} events, expected {expected}"
    return times, expected / sum(times), ends


def read_idle(*, ends: list, reads: int, limit: int) -> list[float]:
    """Seconds per read of a caught-up segment (nothing new: empty batches)."""
    from commands.outbox import read_batch
    from projections.running.engine import shards_of

    times = []
    for segment, position in enumerate(ends):
        shards = shards_of(segment=segment, segments=SEGMENTS)
        for _ in range(reads):
            started = time.perf_counter()
            batch = read_batch(position=position, limit=limit, shards=shards)
            times.append(time.perf_counter() - started)
            assert not batch.events, f"caught-up read returned {len(batch)} events"
            position = batch.next
    return times


def explain_pages(*, since: str, limit: int, pages: tuple[int, ...]) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the reader's own statement for segment 0's
    page `n` of the window, for each n in `pages` (0 is the pair's first)."""
    from django.db import connection

    from commands.outbox import ReadPosition, read_batch
    from projections.running.engine import shards_of

    shards = shards_of(segment=0, segments=SEGMENTS)
    position = ReadPosition(since=since)
    lines = []
    captured: list[tuple[str, object]] = []

    def capture(execute: Callable, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    for page in range(max(pages) + 1):
        with connection.execute_wrapper(capture):
            batch = read_batch(position=position, limit=limit, shards=shards)
        if page in pages:
            sql, params = captured[-1]
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                lines.append(f"-- page {page} of segment 0 ({len(batch)} events)")
                lines.extend(row[0] for row in cursor.fetchall())
        position = batch.next
    return lines


def measure_size(
    raw: psycopg.Connection,
    *,
    database: str,
    timeline: Timeline,
    rows: int,
    args: argparse.Namespace,
    limit: int,
) -> SizeResult:
    print(f"growing the outbox to {rows:,} rows ...", flush=True)
    started = time.perf_counter()
    since = grow(
        raw,
        database=database,
        timeline=timeline,
        to=rows,
        window=args.window,
        held=args.held,
    )
    filled = time.perf_counter() - started
    print(f"  checkpoint before the window: {since}", flush=True)
    heap, indexes, total, counted = vacuum_and_measure(raw)
    assert counted == rows, (counted, rows)
    print(
        f"  filled in {filled:.1f} s (+ VACUUM ANALYZE "
        f"{time.perf_counter() - started - filled:.1f} s); reading ...",
        flush=True,
    )
    result = SizeResult(rows, filled, heap, indexes, total, since=since)
    firsts: list[float] = []
    for _ in range(args.rounds):
        times, rate, ends = read_window(
            since=since, expected=args.window, limit=limit, firsts=firsts
        )
        result.batch_ms.extend(t * 1000 for t in times)
        result.events_per_s.append(rate)
    result.first_ms = [t * 1000 for t in firsts]
    result.idle_ms = [
        t * 1000 for t in read_idle(ends=ends, reads=args.idle_reads, limit=limit)
    ]
    if args.explain:
        result.explain = explain_pages(since=since, limit=limit, pages=(0, 1, 10))
    return result


# ------------------------------------------------------------------ pruning


def pass_window(*, since: str, limit: int) -> int:
    """Every segment of every live projection, placed at `since`, reads the
    window through the real reader and advances its fenced checkpoint."""
    from commands.outbox import ReadPosition, read_batch
    from projections import registry
    from projections.lifecycle import generations
    from projections.running.engine import shards_of
    from projections.running.leases import claim

    read = 0
    for name in registry.names():
        live = generations.ensure_live_generation(name)
        for segment in range(live.segments):
            lease = claim(projection=name, generation=live.generation, segment=segment)
            assert lease is not None, (name, segment)
            lease.advance(to=ReadPosition(since=since), applied=0, release=False)
            shards = shards_of(segment=segment, segments=live.segments)
            while True:
                batch = read_batch(position=lease.position, limit=limit, shards=shards)
                read += len(batch)
                lease.advance(to=batch.next, applied=len(batch), release=batch.complete)
                if batch.complete:
                    break
    return read


@dataclass
class PruneResult:
    checkpoints: int
    rows_before: int
    total_before: int
    deleted: int
    prune_seconds: float
    rows_after: int
    total_after_prune: int
    vacuum_seconds: float
    total_after_vacuum: int
    steady_seconds: float
    steady_deleted: int
    reinserted: int
    total_after_reinsert: int


def prune_bench(
    raw: psycopg.Connection,
    *,
    since: str,
    timeline: Timeline,
    args: argparse.Namespace,
    limit: int,
) -> PruneResult:
    from django.utils import timezone

    from projections.models import SegmentCheckpoint
    from projections.outbox.pruning import outbox_prune

    print("pruning: checkpoints read the window ...", flush=True)
    read = pass_window(since=since, limit=limit)
    checkpoints = SegmentCheckpoint.objects.count()
    assert read == args.window * checkpoints // SEGMENTS, read
    before = timezone.now() - timedelta(days=args.keep_days)
    rows_before, total_before = sizes(raw)[3], sizes(raw)[2]
    younger = raw.execute(
        "SELECT count(*) FROM commands_outboxevent WHERE occurred_at >= %s", [before]
    ).fetchone()[0]
    print(f"  outbox_prune(before=now - {args.keep_days:g} days) ...", flush=True)
    started = time.perf_counter()
    plan = outbox_prune(before=before)
    prune_seconds = time.perf_counter() - started
    assert plan.count == rows_before - younger, (plan.count, rows_before, younger)
    _, _, after_prune, rows_after = sizes(raw)
    assert rows_after == younger, (rows_after, younger)
    started = time.perf_counter()
    raw.execute("VACUUM ANALYZE commands_outboxevent")
    vacuum_seconds = time.perf_counter() - started
    after_vacuum = sizes(raw)[2]
    started = time.perf_counter()
    steady = outbox_prune(before=before)
    steady_seconds = time.perf_counter() - started
    reinsert = min(plan.count, args.large // 10)
    print(f"  re-inserting {reinsert:,} rows ...", flush=True)
    timeline.last = timeline.next_g + reinsert - 1
    committed_rows(raw, timeline=timeline, count=reinsert)
    raw.execute("VACUUM ANALYZE commands_outboxevent")
    return PruneResult(
        checkpoints=checkpoints,
        rows_before=rows_before,
        total_before=total_before,
        deleted=plan.count,
        prune_seconds=prune_seconds,
        rows_after=rows_after,
        total_after_prune=after_prune,
        vacuum_seconds=vacuum_seconds,
        total_after_vacuum=after_vacuum,
        steady_seconds=steady_seconds,
        steady_deleted=steady.count,
        reinserted=reinsert,
        total_after_reinsert=sizes(raw)[2],
    )


def sizes(raw: psycopg.Connection) -> tuple[int, int, int, int]:
    """Heap, index and total bytes of the outbox, and its rows."""
    heap, indexes, total, rows = raw.execute(SIZES).fetchone()
    return int(heap), int(indexes), int(total), int(rows)


# ------------------------------------------------------------------ report


def mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def report_reader(results: list[SizeResult], *, args: argparse.Namespace) -> None:
    print(
        f"\nread_batch, one segment of {SEGMENTS} (limit = BATCH_SIZE), the newest "
        f"{args.window:,} events from a checkpoint just before them, "
        f"{args.rounds} rounds; caught up: {args.idle_reads} empty reads a segment\n"
    )
    print(
        "| rows | fill s | heap + indexes | batch p50 | batch p99 | first page p50 "
        "| events/s | caught-up p50 | caught-up p99 |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        p50, p99 = harness.p50_p99(r.batch_ms)
        i50, i99 = harness.p50_p99(r.idle_ms)
        print(
            f"| {r.rows:,} | {r.fill_seconds:.1f} | {mb(r.heap_bytes)} + "
            f"{mb(r.index_bytes)} | {p50:.2f} ms | {p99:.2f} ms | "
            f"{statistics.median(r.first_ms):.2f} ms | "
            f"{statistics.median(r.events_per_s):,.0f} | {i50:.2f} ms | {i99:.2f} ms |"
        )
    small, large = results
    ratios = {
        "batch p50": ratio(large.batch_ms, small.batch_ms, p=0),
        "batch p99": ratio(large.batch_ms, small.batch_ms, p=1),
        "first page p50": ratio(large.first_ms, small.first_ms, p=0),
        "caught-up p50": ratio(large.idle_ms, small.idle_ms, p=0),
        "caught-up p99": ratio(large.idle_ms, small.idle_ms, p=1),
        "events/s (small/large)": statistics.median(small.events_per_s)
        / statistics.median(large.events_per_s),
    }
    print(f"\nlarge / small (goal: within {GOAL}x):")
    for name, value in ratios.items():
        verdict = "met" if value <= GOAL else "MISSED"
        print(f"  {name:<24} {value:5.2f}x  {verdict}")
    for r in results:
        rounds = ", ".join(f"{rate:,.0f}" for rate in r.events_per_s)
        print(f"  events/s by round at {r.rows:,}: {rounds}")
    for r in results:
        if r.explain:
            print(f"\nEXPLAIN at {r.rows:,} rows:")
            print("\n".join(r.explain))


def ratio(large: list[float], small: list[float], *, p: int) -> float:
    return harness.p50_p99(large)[p] / harness.p50_p99(small)[p]


def report_prune(r: PruneResult, *, args: argparse.Namespace) -> None:
    print(
        f"\noutbox_prune(before=now - {args.keep_days:g} days), rows dated over "
        f"{args.history_days:g} days, {r.checkpoints} segment checkpoints:"
    )
    print(f"  before:              {r.rows_before:,} rows, {mb(r.total_before)}")
    print(
        f"  prune:               {r.deleted:,} deleted in {r.prune_seconds:.1f} s "
        f"({r.deleted / r.prune_seconds:,.0f} rows/s)"
    )
    print(f"  after prune:         {r.rows_after:,} rows, {mb(r.total_after_prune)}")
    print(
        f"  VACUUM ANALYZE:      {r.vacuum_seconds:.1f} s, "
        f"{mb(r.total_after_vacuum)} (space reusable, not returned to the OS)"
    )
    print(
        f"  prune again:         {r.steady_deleted:,} deleted in "
        f"{r.steady_seconds:.2f} s (the steady state: counting what to delete)"
    )
    grown = r.total_after_reinsert - r.total_after_vacuum
    print(
        f"  {r.reinserted:,} rows re-inserted: {mb(r.total_after_reinsert)} "
        f"({'+' if grown >= 0 else ''}{mb(grown)}: freed space "
        f"{'reused' if grown < r.total_after_vacuum * 0.05 else 'NOT reused'})"
    )


def main() -> None:
    args = parse_args()
    database = f"{NAMESPACE}_{os.getpid()}"
    print(f"load average at start: {os.getloadavg()}", flush=True)
    harness.run_sql(f'CREATE DATABASE "{database}"', database="postgres")
    try:
        harness.setup_django(database, namespace=NAMESPACE)
        harness.clear_stores(NAMESPACE)
        from projections import tunables

        limit = int(tunables.get("BATCH_SIZE"))
        timeline = Timeline(
            last=args.large - 1, spacing=args.history_days * 86400 / args.large
        )
        with psycopg.connect(harness.dsn(database), autocommit=True) as raw:
            raw.execute(BURN)
            results = [
                measure_size(
                    raw,
                    database=database,
                    timeline=timeline,
                    rows=rows,
                    args=args,
                    limit=limit,
                )
                for rows in (args.small, args.large)
            ]
            pruned = None
            if not args.skip_prune:
                pruned = prune_bench(
                    raw,
                    since=results[1].since,
                    timeline=timeline,
                    args=args,
                    limit=limit,
                )
        report_reader(results, args=args)
        if pruned is not None:
            report_prune(pruned, args=args)
        print(f"\nload average at end: {os.getloadavg()}")
    finally:
        harness.tear_down(database, namespace=NAMESPACE)


if __name__ == "__main__":
    main()
