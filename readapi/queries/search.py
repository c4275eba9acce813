"""Keyset pages over an OpenSearch alias: `search_after` on sort values plus an id."""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.conf import settings
from opensearchpy.exceptions import NotFoundError, TransportError

from config import connections

logger = logging.getLogger(__name__)

Direction = Literal["asc", "desc"]
SortKey = tuple[str, Direction]


@dataclass(frozen=True)
class PageRequest:
    """Which page to fetch: rows strictly beyond `after` in the direction of travel."""

    size: int
    after: list[Any] | None = None
    backwards: bool = False
    pit_id: str | None = None


@dataclass(frozen=True)
class KeysetPage:
    """Rows in sort order, each row's sort values, and whether more lie beyond."""

    rows: list[dict[str, Any]]
    keys: list[list[Any]]
    has_more: bool
    pit_id: str | None = None
    highlights: list[dict[str, list[str]]] | None = None


def orderings(fields: Iterable[str], *, descending_first: bool = False) -> list[str]:
    """The `ordering` values of sortable fields: `name` ascending, `-name` descending."""
    values = []
    for name in fields:
        pair = [name, f"-{name}"]
        values += pair[::-1] if descending_first else pair
    return values


def field_sort(ordering: str, *, fields: Mapping[str, str]) -> list[SortKey]:
    """The sort of `ordering` on its field in `fields`, then the unique `id`."""
    direction: Direction = "desc" if ordering.startswith("-") else "asc"
    return [(fields[ordering.lstrip("-")], direction), ("id", direction)]


class ReadModelMissing(Exception):
    """The alias or generation a read model is served from does not exist."""


class SnapshotExpired(Exception):
    """The point in time a cursor was walking has expired."""


def keyset_search(
    *,
    alias: str,
    query: dict[str, Any],
    sort: list[SortKey],
    page: PageRequest,
    source: list[str],
    snapshot: bool = False,
    highlight: dict[str, Any] | None = None,
) -> KeysetPage:
    """One page of `query` in `sort` order; `snapshot` pins a point in time;
    `highlight` asks for each row's marked-up fragments.

    Relevance scores move whenever any document is written (term statistics
    change), so a relevance walk runs inside a point in time to stay exact.
    """
    body: dict[str, Any] = {
        "query": query,
        "sort": _sort_clause(sort, reverse=page.backwards),
        "size": page.size + 1,
        "track_total_hits": False,
        "_source": source,
    }
    if page.after is not None:
        body["search_after"] = page.after
    if highlight is not None:
        body["highlight"] = highlight
    pit_id = page.pit_id
    if snapshot and pit_id is None:
        pit_id = _open_snapshot(alias)
    response = _search(alias=alias, body=body, pit_id=pit_id)
    hits = response["hits"]["hits"]
    has_more = len(hits) > page.size
    hits = hits[: page.size]
    if page.backwards:
        hits.reverse()
    if pit_id is not None:
        pit_id = response.get("pit_id") or pit_id
        if page.after is None and not has_more:
            close_snapshot(pit_id)
            pit_id = None
    return KeysetPage(
        rows=[hit["_source"] for hit in hits],
        keys=[hit["sort"] for hit in hits],
        has_more=has_more,
        pit_id=pit_id,
        highlights=None
        if highlight is None
        else [hit.get("highlight", {}) for hit in hits],
    )


def top_hits(*, alias: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    """The hits of one plain search (no paging), each with `_source` and `_score`."""
    try:
        response = connections.opensearch().search(index=alias, body=body)
    except NotFoundError:
        raise ReadModelMissing(alias) from None
    return list(response["hits"]["hits"])


def get_document(
    *, alias: str, doc_id: int, source: list[str]
) -> dict[str, Any] | None:
    """The live document with `doc_id`, or None when absent."""
    try:
        response = connections.opensearch().get(
            index=alias, id=str(doc_id), _source=source
        )
    except NotFoundError as exc:
        if exc.error == "index_not_found_exception":
            raise ReadModelMissing(alias) from None
        return None
    return response["_source"]


def make_searchable(aliases: Sequence[str]) -> None:
    """Refresh the indices behind `aliases`, so searches see every write they
    have acknowledged (not only after the next periodic refresh)."""
    if not aliases:
        return
    try:
        connections.opensearch().indices.refresh(index=",".join(aliases))
    except NotFoundError:
        raise ReadModelMissing(",".join(aliases)) from None


def aggregate(
    *, alias: str, query: dict[str, Any], aggs: dict[str, Any]
) -> dict[str, Any]:
    """Aggregations of the documents matching `query`, plus the match count."""
    body = {"query": query, "size": 0, "aggs": aggs, "track_total_hits": True}
    try:
        response = connections.opensearch().search(index=alias, body=body)
    except NotFoundError:
        raise ReadModelMissing(alias) from None
    return {"total": response["hits"]["total"]["value"], **response["aggregations"]}


def close_snapshot(pit_id: str) -> None:
    """Release a point in time nobody will walk (it would expire anyway)."""
    try:
        connections.opensearch().delete_pit(body={"pit_id": [pit_id]})
    except TransportError as exc:
        logger.warning("could not close point in time: %s", exc)


def _sort_clause(sort: list[SortKey], *, reverse: bool) -> list[dict[str, Any]]:
    clause = []
    for name, direction in sort:
        if reverse:
            direction = "asc" if direction == "desc" else "desc"
        spec: dict[str, Any] = {"order": direction}
        if name != "_score":
            # Missing values stay at the far end of the forward order either way.
            spec["missing"] = "_first" if reverse else "_last"
        clause.append({name: spec})
    return clause


def _open_snapshot(alias: str) -> str:
    try:
        response = connections.opensearch().create_pit(
            index=alias, params={"keep_alive": _keep_alive()}
        )
    except NotFoundError:
        raise ReadModelMissing(alias) from None
    return str(response["pit_id"])


def _search(*, alias: str, body: dict[str, Any], pit_id: str | None) -> dict[str, Any]:
    client = connections.opensearch()
    if pit_id is None:
        try:
            return client.search(index=alias, body=body)
        except NotFoundError:
            raise ReadModelMissing(alias) from None
    body["pit"] = {"id": pit_id, "keep_alive": _keep_alive()}
    try:
        return client.search(body=body)
    except NotFoundError:
        raise SnapshotExpired(pit_id) from None


def _keep_alive() -> str:
    return str(settings.CQRS.get("READ_SNAPSHOT_KEEP_ALIVE", "2m"))
