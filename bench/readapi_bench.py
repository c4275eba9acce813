"""Read API: keyset pages stay flat where OFFSET pages degrade; DRF costs little.

(1) p50/p99 latency of page 1 and page K of GET /v1/products?ordering=price through
    the real read API (K's cursor found by walking the API's own `next` links),
    next to a DRF ListAPIView with LimitOffsetPagination over the same N products
    in a PostgreSQL table. Goals: p50(page K) / p50(page 1) <= 1.2 for the read API,
    and the read API >= 20x faster than OFFSET at page K.
(2) Requests/s of GET /v1/products against a plain Django JsonResponse view making
    the same OpenSearch call, both under gunicorn with the Procfile's worker set-up.
    Goal: >= 0.6x.

    .venv/bin/python bench/readapi_bench.py                # N=100,000
    .venv/bin/python bench/readapi_bench.py --n 1000000 --page 10000 --keep
"""

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import harness
import psycopg
import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.processes import Process, free_port, poll_until  # noqa: E402

DATABASE = "readapi_bench"
TABLE = "readapi_bench_products"
WORDS = "oak steel red blue round soft garden lamp chair table rug bench".split()
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
GOAL_FLATNESS, GOAL_SPEEDUP, GOAL_THROUGHPUT = 1.2, 20.0, 0.6


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="products")
    parser.add_argument(
        "--page", type=int, default=0, help="page K (default N/20, max 1000)"
    )
    parser.add_argument("--page-size", type=int, default=20)
    parser.add_argument(
        "--repeat", type=int, default=200, help="timed requests per page"
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds per rps round"
    )
    parser.add_argument(
        "--concurrency", type=int, default=4, help="client threads for rps"
    )
    parser.add_argument("--namespace", default="readapibench")
    parser.add_argument(
        "--reuse", action="store_true", help="keep seeded data if present"
    )
    parser.add_argument(
        "--keep", action="store_true", help="leave data for a --reuse run"
    )
    return parser.parse_args()


def setup_django(namespace: str) -> None:
    os.environ["CQRS_NAMESPACE"] = namespace
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.readapi_settings"
    import django

    django.setup()


# ---------------------------------------------------------------- the data


def price_cents(i: int) -> int:
    """The same price on both sides, with plenty of ties."""
    return 100 + (i * 7919) % 49_900


def product_document(i: int) -> dict:
    words = [WORDS[(i * k) % len(WORDS)] for k in (1, 3, 7)]
    return {
        "id": i,
        "sku": f"B-{i:07d}",
        "name": f"{words[0].capitalize()} {words[1]} {i % 1000}",
        "description": " ".join(words),
        "category_id": 1 + i % 20,
        "category_slug": f"cat-{i % 20}",
        "category_path": ["all", f"cat-{i % 20}"],
        "category_names": ["All", f"Category {i % 20}"],
        "price": f"{price_cents(i) / 100:.2f}",
        "currency": "EUR",
        "status": "active",
        "available": i % 7,
        "in_stock": i % 7 > 0,
        "units_sold": i % 50,
        "attributes": {},
        "created_at": (EPOCH + timedelta(minutes=i % 100_000)).isoformat(),
        "updated_at": EPOCH.isoformat(),
        "deleted": False,
        "versions": {"product": 1, "stock": 1, "tree": 1},
    }


def seed_opensearch(*, n: int, reuse: bool) -> None:
    from opensearchpy import helpers

    from config import connections
    from projections import naming
    from projections.products import schema

    client = connections.opensearch()
    index = naming.index_name(projection="products", generation="bench")
    if reuse and client.indices.exists(index=index):
        if client.count(index=index)["count"] == n:
            print(f"reusing {index} ({n:,} documents)")
            return
    client.indices.delete(index=index, ignore_unavailable=True)
    settings = {**schema.SETTINGS, "refresh_interval": "-1"}
    client.indices.create(
        index=index,
        body={"settings": settings, "mappings": schema.MAPPINGS,
              "aliases": {naming.alias("products"): {}}},
    )  # fmt: skip
    started = time.perf_counter()
    actions = ({"_index": index, "_id": str(i), "_source": product_document(i)}
               for i in range(1, n + 1))  # fmt: skip
    failed = 0
    for ok, _ in helpers.streaming_bulk(
        client, actions, chunk_size=2000, raise_on_error=False, request_timeout=120
    ):
        failed += not ok
    if failed:
        raise RuntimeError(f"{failed} documents failed to index into {index}")
    client.indices.put_settings(index=index, body={"refresh_interval": "1s"})
    client.indices.refresh(index=index)
    client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=600)
    print(f"indexed {n:,} products in {time.perf_counter() - started:.0f}s")


def seed_redis() -> str:
    """A key with the catalog scope; returns the raw key."""
    import hashlib

    from config import connections
    from projections import naming

    client = connections.redis_client()
    raw = "readapi-bench-key"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    client.set(naming.generation_pointer("api_keys"), "bench")
    # Without its marker the read API takes the generation for lost (503).
    client.set(naming.generation_marker(projection="api_keys", generation="bench"), 1)
    client.hset(
        f"{naming.redis_prefix(projection='api_keys', generation='bench')}:{digest}",
        mapping={
            "name": "bench",
            "scopes": "catalog:read",
            "active": "1",
            "version": 1,
        },
    )
    return raw


def seed_postgres(*, n: int, reuse: bool) -> None:
    with psycopg.connect(harness.dsn("postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
        ).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE {DATABASE}")
    with psycopg.connect(harness.dsn(DATABASE), autocommit=True) as conn:
        if reuse and _table_rows(conn) == n:
            print(f"reusing {TABLE} ({n:,} rows)")
            return
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        conn.execute(
            f"""CREATE TABLE {TABLE} (id bigint PRIMARY KEY, name text, description text,
                price numeric(12, 2), status text, in_stock boolean, created_at timestamptz)"""
        )
        conn.execute(
            f"""INSERT INTO {TABLE}
                SELECT i, 'Product ' || i, 'oak steel red', (100 + (i * 7919) %% 49900) / 100.0,
                       'active', i %% 7 > 0, timestamptz '2024-01-01' + (i %% 100000) * interval '1 minute'
                FROM generate_series(1::bigint, %s::bigint) AS i""",
            [n],
        )
        conn.execute(f"CREATE INDEX ON {TABLE} (price, id)")
        conn.execute(f"VACUUM ANALYZE {TABLE}")


def _table_rows(conn: psycopg.Connection) -> int:
    if conn.execute("SELECT to_regclass(%s)", [TABLE]).fetchone()[0] is None:
        return -1
    return conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()[0]


def cleanup(*, namespace: str) -> None:
    harness.clear_stores(namespace)
    harness.run_sql(
        f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)", database="postgres"
    )


# ---------------------------------------------------------------- the servers


def start_server(*, kind: str, namespace: str, log_dir: Path) -> tuple[Process, str]:
    """gunicorn with the Procfile's read worker set-up (2 workers x 8 threads)."""
    port = free_port()
    env = dict(
        os.environ,
        CQRS_NAMESPACE=namespace,
        DJANGO_SETTINGS_MODULE="bench.readapi_settings",
        READAPI_BENCH_SERVER=kind,
        READAPI_BENCH_DATABASE=DATABASE,
        CQRS_READ_RATE="100000000/min",
    )
    args = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi_read:application",
            "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "8"]  # fmt: skip
    process = Process(args, env=env, log=log_dir / f"readapi-bench-{kind}.log")
    url = f"http://127.0.0.1:{port}"
    probe = "/offset/products?limit=1" if kind == "offset" else "/healthz"
    poll_until(lambda: _answers(url + probe), timeout=60)
    return process, url


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=5).status_code == 200
    except requests.RequestException:
        return False


# ---------------------------------------------------------------- measuring


def latencies(
    first: Callable[[], requests.Response],
    second: Callable[[], requests.Response],
    *,
    repeat: int,
) -> tuple[list[float], list[float]]:
    """Timings of two requests taken alternately, so load drift hits both alike."""
    for _ in range(max(5, repeat // 10)):
        assert first().status_code == 200 and second().status_code == 200
    timings: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for get, bucket in ((first, timings[0]), (second, timings[1])):
            started = time.perf_counter()
            response = get()
            bucket.append(time.perf_counter() - started)
            assert response.status_code == 200, response.text[:300]
    return timings


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cursor_of_page(
    session: requests.Session, *, url: str, page: int, page_size: int
) -> str | None:
    """Walk the API's own `next` links (100 rows at a time) to the start of `page`."""
    remaining, cursor = (page - 1) * page_size, None
    while remaining > 0:
        step = min(100, remaining)
        params = {
            "ordering": "price",
            "page_size": step,
            **({"cursor": cursor} if cursor else {}),
        }
        body = session.get(url, params=params, timeout=30).json()
        cursor = parse_qs(urlsplit(body["next"]).query)["cursor"][0]
        remaining -= step
    return cursor


def throughput(url: str, *, headers: dict, seconds: float, concurrency: int) -> float:
    """Completed requests per second with `concurrency` keep-alive clients."""
    stop, counts = threading.Event(), [0] * concurrency

    def client(slot: int) -> None:
        session = requests.Session()
        while not stop.is_set():
            assert session.get(url, headers=headers, timeout=30).status_code == 200
            counts[slot] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)  # the measurement window itself, not a wait for a condition
    stop.set()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def fmt_ms(values: list[float]) -> str:
    return f"p50 {percentile(values, 0.5) * 1000:7.2f} ms  p99 {percentile(values, 0.99) * 1000:7.2f} ms"


def main() -> None:
    args = parse_args()
    page = args.page or min(1000, args.n // args.page_size)
    setup_django(args.namespace)
    logs = harness.log_dir()
    seed_opensearch(n=args.n, reuse=args.reuse)
    raw_key = seed_redis()
    seed_postgres(n=args.n, reuse=args.reuse)
    servers = [start_server(kind=k, namespace=args.namespace, log_dir=logs)
               for k in ("read", "offset")]  # fmt: skip
    try:
        report(
            args=args,
            page=page,
            read_url=servers[0][1],
            offset_url=servers[1][1],
            key=raw_key,
        )
    finally:
        for process, _ in servers:
            process.stop()
        if not args.keep:
            cleanup(namespace=args.namespace)


def report(
    *, args: argparse.Namespace, page: int, read_url: str, offset_url: str, key: str
) -> None:
    headers = {"Authorization": f"Api-Key {key}"}
    api, size = f"{read_url}/v1/products", args.page_size
    session = requests.Session()
    session.headers.update(headers)
    cursor = cursor_of_page(session, url=api, page=page, page_size=size)
    first = {"ordering": "price", "page_size": size}
    ours_1, ours_k = latencies(
        lambda: session.get(api, params=first),
        lambda: session.get(api, params={**first, "cursor": cursor}),
        repeat=args.repeat,
    )
    offset, plain = f"{offset_url}/offset/products", requests.Session()
    pg_1, pg_k = latencies(
        lambda: plain.get(offset, params={"limit": size, "offset": 0}),
        lambda: plain.get(offset, params={"limit": size, "offset": (page - 1) * size}),
        repeat=args.repeat,
    )
    flat = statistics.median(ours_k) / statistics.median(ours_1)
    speedup = statistics.median(pg_k) / statistics.median(ours_k)
    degrade = statistics.median(pg_k) / statistics.median(pg_1)
    print(
        f"\n(1) N={args.n:,}, page size {size}, page K={page:,}, {args.repeat} requests each"
    )
    print(f"  read API  keyset  page 1: {fmt_ms(ours_1)}")
    print(f"  read API  keyset  page K: {fmt_ms(ours_k)}")
    print(f"  DRF+PG    offset  page 1: {fmt_ms(pg_1)}")
    print(f"  DRF+PG    offset  page K: {fmt_ms(pg_k)}")
    print(
        f"  keyset p50(K)/p50(1)    = {flat:.2f}  {goal(flat <= GOAL_FLATNESS, '<=', GOAL_FLATNESS)}"
    )
    print(f"  offset p50(K)/p50(1)    = {degrade:.2f}")
    print(
        f"  offset/keyset at page K = {speedup:.1f}x {goal(speedup >= GOAL_SPEEDUP, '>=', GOAL_SPEEDUP)}"
    )

    targets = {"read API": api, "plain view": f"{read_url}/bench/plain-products"}
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for name, url in _interleaved(targets):
        throughput(
            url, headers=headers, seconds=2, concurrency=args.concurrency
        )  # warm-up
        rate = throughput(
            url, headers=headers, seconds=args.duration, concurrency=args.concurrency
        )
        rates[name].append(rate)
    ours, bare = (
        statistics.mean(rates["read API"]),
        statistics.mean(rates["plain view"]),
    )
    ratio = ours / bare
    print(
        f"\n(2) GET /v1/products, {args.concurrency} clients, 2 x {args.duration:.0f}s each"
    )
    print(f"  read API (DRF, key, quota, filters, keyset): {ours:7.1f} req/s")
    print(f"  plain JsonResponse, same OpenSearch call:    {bare:7.1f} req/s")
    print(
        f"  ratio = {ratio:.2f}x {goal(ratio >= GOAL_THROUGHPUT, '>=', GOAL_THROUGHPUT)}"
    )


def _interleaved(targets: dict[str, str]) -> Iterator[tuple[str, str]]:
    for _ in range(2):
        yield from targets.items()


def goal(ok: bool, relation: str, target: float) -> str:
    return f"(goal {relation} {target}: {'OK' if ok else 'MISSED'})"


if __name__ == "__main__":
    main()
