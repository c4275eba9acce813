"""Search relevance, measured: the standard analyzer (the mapping before issue 15)
against the catalogue analyzers, in one run; then autocomplete latency.

(1) A labelled set of queries (accents, plurals/stems, typos, prefixes, multi-word,
    synonyms, SKU lookup) over a fixed catalogue (commands/demo_catalogue.py, three
    variants of each item), indexed twice: once with today's mapping and query, once
    with the standard analyzer and the old simple_query_string only. recall@10 and
    nDCG@10 (binary relevance) per class. Goals: new >= old on every class, and
    new recall@10 >= 0.9 overall.
(2) p50/p99 of GET /v1/products/suggest through the real read API (gunicorn) over N
    demo products, next to the same OpenSearch query sent straight from Python.
    Goal: p50 <= 15 ms.

    .venv/bin/python bench/relevance_bench.py              # N=100,000
    .venv/bin/python bench/relevance_bench.py --n 20000 --skip-suggest
"""

import argparse
import copy
import math
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import harness  # noqa: E402

from bench.readapi_bench import (  # noqa: E402
    fmt_ms,
    percentile,
    seed_redis,
    setup_django,
    start_server,
)
from commands.demo_catalogue import ITEMS, Item, demo_product  # noqa: E402

VARIANTS_PER_ITEM = 3
# Products that share words with the labelled items without being what the query
# asks for: they compete for the top ten and are never relevant.
DISTRACTORS = [
    ("Shoe rack", "Four-tier rack for the hallway."),
    ("Trail mix", "Nuts and raisins for long walks."),
    ("Running belt", "Waist pouch for keys and phone."),
    ("Torch batteries", "AA batteries for flashlights."),
    ("Cream jug", "Porcelain jug for milk and cream."),
    ("Tent pegs", "Steel pegs for camping."),
    ("Garden gnome", "Painted resin figure for the lawn."),
    ("Headphone stand", "Aluminium stand for headsets."),
    ("Skillet lid", "Glass lid for 26 cm pans."),
    ("Phone case", "Slim case for smartphones."),
    ("Sofa cushion covers", "Set of four velvet covers."),
    ("Tea towels", "Linen towels for the kitchen."),
]
GOAL_RECALL, GOAL_SUGGEST_P50_MS = 0.9, 15.0

# (class, query, relevant item keys); SKU queries name products by number instead.
QUERIES: list[tuple[str, str, set[str]]] = [
    ("accents", "creme brulee", {"torch"}),
    ("accents", "cafe au lait", {"cafe-bowls"}),
    ("accents", "crepe pan", {"crepe-pan"}),
    ("accents", "jalapeno sauce", {"hot-sauce"}),
    ("accents", "zurich", {"puzzle", "guide"}),
    ("accents", "pinata", {"pinata"}),
    ("accents", "acai", {"acai"}),
    ("accents", "patisserie", {"cookbook"}),
    ("accents", "creme", {"torch", "face-cream"}),
    ("accents", "cafe", {"cafe-bowls", "guide"}),
    ("plurals/stems", "shoe", {"shoes"}),
    ("plurals/stems", "trail", {"shoes"}),
    ("plurals/stems", "run", {"shoes"}),
    ("plurals/stems", "bowl", {"cafe-bowls"}),
    ("plurals/stems", "flower pot", {"pots"}),
    ("plurals/stems", "tennis racket", {"rackets"}),
    ("plurals/stems", "glove", {"gloves"}),
    ("plurals/stems", "chocolate bar", {"chocolate"}),
    ("plurals/stems", "chefs knife", {"knife"}),
    ("plurals/stems", "picture book", {"picture-book"}),
    ("typos", "torhc", {"torch"}),
    ("typos", "headphnes", {"headphones"}),
    ("typos", "espreso machine", {"espresso"}),
    ("typos", "skilet", {"skillet"}),
    ("typos", "sunglases", {"sunglasses"}),
    ("typos", "hikking backpack", {"backpack"}),
    ("typos", "yoga matt", {"yoga-mat"}),
    ("typos", "camping tnet", {"tent"}),
    ("typos", "bluetoth speaker", {"speaker"}),
    ("typos", "choclate", {"chocolate"}),
    ("typos", "hedphones", {"headphones"}),
    ("prefixes", "headph", {"headphones"}),
    ("prefixes", "espr", {"espresso", "beans"}),
    ("prefixes", "skil", {"skillet"}),
    ("prefixes", "terrac", {"pots"}),
    ("prefixes", "sungl", {"sunglasses"}),
    ("prefixes", "dumbb", {"dumbbells"}),
    ("prefixes", "windsh", {"wipers"}),
    ("prefixes", "tooth", {"toothbrush"}),
    ("multi-word", "running shoes trails", {"shoes"}),
    ("multi-word", "wireless headphones", {"headphones"}),
    ("multi-word", "cast iron skillet", {"skillet"}),
    ("multi-word", "camping tent", {"tent"}),
    ("multi-word", "solar garden lights", {"lights"}),
    ("multi-word", "dark chocolate", {"chocolate"}),
    ("multi-word", "green tea", {"matcha"}),
    ("multi-word", "garden hose", {"hose"}),
    ("synonyms", "sneakers", {"shoes"}),
    ("synonyms", "earphones", {"headphones"}),
    ("synonyms", "rucksack", {"backpack"}),
    ("synonyms", "tv mount", {"tv-mount"}),
    ("synonyms", "cellphone charger", {"charger"}),
    ("synonyms", "pullover", {"sweater"}),
    ("synonyms", "pants", {"trousers"}),
    ("synonyms", "couch", {"sofa"}),
    ("synonyms", "bicycle helmet", {"helmet"}),
    ("synonyms", "tee", {"tshirts"}),
]
SKU_LOOKUPS = [7, 42, 99, 120, 151]  # product numbers; queried as typed and lowercased

SUGGEST_PREFIXES = ["c", "cr", "crè", "creme b", "run", "runn", "running sh", "esp",
                    "wool", "tor", "ja", "jal", "wire", "gard", "sol", "pâ", "zu",
                    "hik", "te", "tennis r"]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="products for (2)")
    parser.add_argument("--repeat", type=int, default=300, help="suggest requests")
    parser.add_argument("--namespace", default="relevancebench")
    parser.add_argument("--skip-suggest", action="store_true")
    return parser.parse_args()


# ---------------------------------------------------------------- (1) relevance


def catalogue() -> list[dict[str, Any]]:
    """The fixed labelled catalogue: every item in three variants."""
    rng = random.Random(15)
    documents = []
    for number in range(len(ITEMS) * VARIANTS_PER_ITEM):
        item, name, description = demo_product(number, rng)
        documents.append(
            document(number=number, name=name, description=description, item=item)
        )
    for offset, (name, description) in enumerate(DISTRACTORS * VARIANTS_PER_ITEM):
        item = Item(key="distractor", department="Home", name=name, description="")
        documents.append(
            document(
                number=len(documents),
                name=name if offset < len(DISTRACTORS) else f"{name} ({offset})",
                description=description,
                item=item,
            )
        )
    return documents


def document(*, number: int, name: str, description: str, item: Any) -> dict:
    return {
        "id": number,
        "sku": f"REL-{number:05d}",
        "name": name,
        "description": description,
        "category_id": 1,
        "category_slug": item.department.lower(),
        "category_path": [item.department.lower()],
        "category_names": [item.department],
        "price": 10.0,
        "currency": "EUR",
        "status": "active",
        "available": 1,
        "in_stock": True,
        "units_sold": number % 7,
        "attributes": {"item": item.key},
        "created_at": "2024-01-01T00:00:00+00:00",
        "updated_at": "2024-01-01T00:00:00+00:00",
        "deleted": False,
        "versions": {"product": 1, "stock": 1, "tree": 1},
    }


def standard_index() -> tuple[dict, dict]:
    """Settings and mappings of the products index before issue 15."""
    from projections import tunables
    from projections.products import schema

    mappings = copy.deepcopy(schema.MAPPINGS)
    properties = mappings["properties"]
    properties["sku"] = {"type": "keyword"}
    properties["name"] = {
        "type": "text",
        "fields": {"sort": {"type": "keyword", "normalizer": "lowercase"}},
    }
    properties["description"] = {"type": "text"}
    properties["category_names"] = {"type": "text"}
    normalizer = {"lowercase": {"type": "custom", "filter": ["lowercase"]}}
    return {
        **tunables.index_shape(schema.PROJECTION),
        "analysis": {"normalizer": normalizer},
    }, mappings


def catalogue_index() -> tuple[dict, dict]:
    from projections.products import schema

    return dict(schema.SETTINGS), schema.MAPPINGS


def standard_query(text: str) -> dict:
    from readapi.queries import clauses

    old = clauses.text(["name^3", "description", "category_names"])
    return clauses.bool_query(clauses=[old(text)])


def catalogue_query(text: str) -> dict:
    from readapi.queries import catalog_text, clauses

    return clauses.bool_query(clauses=[catalog_text.product_text(text)])


def build_index(*, name: str, definition: tuple[dict, dict], docs: list[dict]) -> None:
    from opensearchpy import helpers

    from config import connections

    client = connections.opensearch()
    settings, mappings = definition
    client.indices.delete(index=name, ignore_unavailable=True)
    client.indices.create(index=name, body={"settings": settings, "mappings": mappings})
    actions = ({"_index": name, "_id": str(d["id"]), "_source": d} for d in docs)
    helpers.bulk(client, actions, refresh="wait_for")


def top_ids(*, index: str, query: dict) -> list[int]:
    from config import connections

    body = {"query": query, "size": 10, "_source": False,
            "sort": [{"_score": "desc"}, {"id": "asc"}]}  # fmt: skip
    hits = connections.opensearch().search(index=index, body=body)["hits"]["hits"]
    return [int(hit["_id"]) for hit in hits]


def labelled(docs: list[dict]) -> Iterator[tuple[str, str, set[int]]]:
    """(class, query, relevant product ids) for every labelled query."""
    by_item: dict[str, set[int]] = {}
    for doc in docs:
        by_item.setdefault(doc["attributes"]["item"], set()).add(doc["id"])
    for kind, query, items in QUERIES:
        yield kind, query, set().union(*(by_item[key] for key in items))
    for number in SKU_LOOKUPS:
        sku = f"REL-{number:05d}"
        yield "SKU lookup", sku, {number}
        yield "SKU lookup", sku.lower(), {number}


def recall_at_10(found: list[int], relevant: set[int]) -> float:
    return len(set(found[:10]) & relevant) / len(relevant)


def ndcg_at_10(found: list[int], relevant: set[int]) -> float:
    gain = sum(1 / math.log2(rank + 2) for rank, pk in enumerate(found[:10])
               if pk in relevant)  # fmt: skip
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(10, len(relevant))))
    return gain / ideal


def relevance(namespace: str) -> bool:
    docs = catalogue()
    variants: dict[str, tuple[str, Callable[[str], dict]]] = {
        "standard": (f"{namespace}-relevance-standard", standard_query),
        "catalogue": (f"{namespace}-relevance-catalogue", catalogue_query),
    }
    build_index(name=variants["standard"][0], definition=standard_index(), docs=docs)
    build_index(name=variants["catalogue"][0], definition=catalogue_index(), docs=docs)
    scores: dict[tuple[str, str], list[tuple[float, float]]] = {}
    misses: list[str] = []
    for kind, query, relevant in labelled(docs):
        assert 0 < len(relevant) <= 10, (query, relevant)
        for variant, (index, build) in variants.items():
            found = top_ids(index=index, query=build(query))
            score = (recall_at_10(found, relevant), ndcg_at_10(found, relevant))
            scores.setdefault((variant, kind), []).append(score)
            if variant == "catalogue" and min(score) < 1:
                misses.append(
                    f"{query!r} ({kind}): recall@10 {score[0]:.2f}, "
                    f"nDCG@10 {score[1]:.2f}, top ten {found}"
                )
    return report_relevance(scores=scores, docs=len(docs), misses=misses)


def report_relevance(
    *, scores: dict[tuple[str, str], list[tuple[float, float]]], docs: int,
    misses: list[str],
) -> bool:  # fmt: skip
    kinds = list(dict.fromkeys(kind for _, kind in scores))
    queries = sum(len(scores[("catalogue", kind)]) for kind in kinds)
    print(f"\n(1) {queries} labelled queries over {docs} products (recall@10, nDCG@10)")
    print("| class | queries | standard recall@10 | new recall@10 | standard nDCG@10 "
          "| new nDCG@10 |")  # fmt: skip
    print("|---|---|---|---|---|---|")
    every_class_ok = True
    for kind in [*kinds, "overall"]:
        pick = kinds if kind == "overall" else [kind]
        old = [s for k in pick for s in scores[("standard", k)]]
        new = [s for k in pick for s in scores[("catalogue", k)]]
        old_r, new_r = mean(old, 0), mean(new, 0)
        old_n, new_n = mean(old, 1), mean(new, 1)
        every_class_ok &= new_r >= old_r and new_n >= old_n
        print(f"| {kind} | {len(new)} | {old_r:.3f} | {new_r:.3f} | {old_n:.3f} "
              f"| {new_n:.3f} |")  # fmt: skip
    overall = mean([s for k in kinds for s in scores[("catalogue", k)]], 0)
    print(f"new >= standard on every class: {'met' if every_class_ok else 'MISSED'}")
    print(f"new recall@10 overall {overall:.3f} (goal >= {GOAL_RECALL}): "
          f"{'met' if overall >= GOAL_RECALL else 'MISSED'}")  # fmt: skip
    for miss in misses:
        print(f"  not perfect: {miss}")
    return every_class_ok and overall >= GOAL_RECALL


def mean(scores: list[tuple[float, float]], column: int) -> float:
    return statistics.fmean(score[column] for score in scores)


# ---------------------------------------------------------------- (2) suggest


def seed_products(*, n: int) -> None:
    from opensearchpy import helpers

    from config import connections
    from projections import naming
    from projections.products import schema

    client = connections.opensearch()
    index = naming.index_name(projection="products", generation="bench")
    client.indices.delete(index=index, ignore_unavailable=True)
    client.indices.create(
        index=index,
        body={"settings": {**schema.SETTINGS, "refresh_interval": "-1"},
              "mappings": schema.MAPPINGS,
              "aliases": {naming.alias("products"): {}}},
    )  # fmt: skip
    started, rng = time.perf_counter(), random.Random(42)

    def actions() -> Iterator[dict]:
        for number in range(n):
            item, name, description = demo_product(number, rng)
            doc = document(number=number, name=name, description=description, item=item)
            yield {"_index": index, "_id": str(number), "_source": doc}

    for ok, result in helpers.streaming_bulk(
        client, actions(), chunk_size=2000, raise_on_error=False, request_timeout=300
    ):
        if not ok:
            raise RuntimeError(f"indexing failed: {result}")
    client.indices.put_settings(index=index, body={"refresh_interval": "1s"})
    client.indices.refresh(index=index)
    client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=900)
    print(f"indexed {n:,} products in {time.perf_counter() - started:.0f}s")


def suggest_latency(*, n: int, repeat: int, namespace: str) -> bool:
    import requests

    from readapi.queries import products

    seed_products(n=n)
    key = seed_redis()
    process, url = start_server(
        kind="read", namespace=namespace, log_dir=harness.log_dir()
    )
    try:
        session = requests.Session()
        session.headers["Authorization"] = f"Api-Key {key}"
        api, direct = [], []
        for attempt in range(repeat + 20):
            prefix = SUGGEST_PREFIXES[attempt % len(SUGGEST_PREFIXES)]
            started = time.perf_counter()
            response = session.get(f"{url}/v1/products/suggest", params={"q": prefix})
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.text[:300]
            started = time.perf_counter()
            products.suggest_products(prefix)
            straight = time.perf_counter() - started
            if attempt >= 20:  # the first rounds warm caches on both sides
                api.append(elapsed)
                direct.append(straight)
    finally:
        process.stop()
    p50 = percentile(api, 0.5) * 1000
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n  machine load average while measuring: {load}")
    print(f"\n(2) suggest over {n:,} products, {repeat} requests, "
          f"{len(SUGGEST_PREFIXES)} prefixes")  # fmt: skip
    print(f"  GET /v1/products/suggest (gunicorn): {fmt_ms(api)}")
    print(f"  same query straight to OpenSearch:   {fmt_ms(direct)}")
    ratio = statistics.median(api) / statistics.median(direct)
    print(f"  API / straight p50 = {ratio:.2f}x")
    print(f"  p50 {p50:.2f} ms (goal <= {GOAL_SUGGEST_P50_MS} ms): "
          f"{'met' if p50 <= GOAL_SUGGEST_P50_MS else 'MISSED'}")  # fmt: skip
    return p50 <= GOAL_SUGGEST_P50_MS


def main() -> None:
    args = parse_args()
    setup_django(args.namespace)
    try:
        met = relevance(args.namespace)
        if not args.skip_suggest:
            met &= suggest_latency(
                n=args.n, repeat=args.repeat, namespace=args.namespace
            )
    finally:
        harness.clear_stores(args.namespace)
    print(f"\nall goals: {'met' if met else 'MISSED (see above)'}")


if __name__ == "__main__":
    main()
