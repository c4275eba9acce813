"""Writes whole documents into one generation's OpenSearch index.

Every document is indexed with `version_type=external` and its composite
version, so OpenSearch itself refuses anything not strictly newer (409): a
duplicate, a replay or a reordered write is a no-op, never a regression.
"""

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
from opensearchpy import helpers
from opensearchpy.exceptions import ConnectionError as SearchUnreachable
from opensearchpy.exceptions import NotFoundError, RequestError, TransportError

from config import connections
from projections import naming, tunables
from projections.errors import StoreUnavailable
from projections.stores.backoff import Backoff
from projections.writes import DocumentWrite, Write

logger = logging.getLogger(__name__)

# Only what `classify` reads: keeps the bulk response small to parse.
RESPONSE_FIELDS = "errors,items.*.status,items.*.error"

OK = "ok"
RETRY = "retry"


class OpenSearchIndexStore:
    def __init__(
        self,
        *,
        projection: str,
        generation: str,
        index_settings: Mapping[str, Any],
        mappings: Mapping[str, Any],
    ) -> None:
        self.projection = projection
        self.generation = generation
        self.index = naming.index_name(projection=projection, generation=generation)
        self.index_settings = index_settings
        self.mappings = mappings

    def ensure(self, *, live: bool) -> None:
        """Create the index (and, for a live generation, the alias) if missing."""
        with _unavailable_as_store_error():
            self._ensure(live=live)

    def _ensure(self, *, live: bool) -> None:
        client = connections.opensearch()
        if client.indices.exists(index=self.index):
            return
        body: dict[str, Any] = {
            "settings": dict(self.index_settings),
            "mappings": naming.marked_mappings(
                mappings=self.mappings, generation=self.generation
            ),
        }
        if live and not client.indices.exists_alias(name=naming.alias(self.projection)):
            body["aliases"] = {naming.alias(self.projection): {}}
        try:
            client.indices.create(index=self.index, body=body)
        except RequestError as exc:
            if exc.error != "resource_already_exists_exception":
                raise
        logger.info("created index %s", self.index)

    def missing(self) -> str | None:
        """None while the alias holds the index, or the index is ours and
        nothing holds the alias (then the alias is put back: no data was lost)."""
        with _unavailable_as_store_error():
            return self._missing()

    def _missing(self) -> str | None:
        client = connections.opensearch()
        alias = naming.alias(self.projection)
        try:
            holders = client.indices.get_alias(name=alias)
        except NotFoundError:
            holders = {}
        if self.index in holders:
            return None
        if not self._marked():
            return f"index {self.index} is gone"
        if not holders:
            client.indices.put_alias(index=self.index, name=alias)
            logger.warning("alias %s was missing: pointed it at %s", alias, self.index)
        return None

    def _marked(self) -> bool:
        """Does our index exist, created by us (not auto-created by a write)?"""
        try:
            mapping = connections.opensearch().indices.get_mapping(index=self.index)
        except NotFoundError:
            return False
        meta = mapping.get(self.index, {}).get("mappings", {}).get("_meta", {})
        return bool(meta.get(naming.INDEX_META_GENERATION) == self.generation)

    def write(
        self, writes: Sequence[Write], *, keepalive: Callable[[], None] | None = None
    ) -> dict[int, str]:
        pending = list(range(len(writes)))
        rejected: dict[int, str] = {}
        backoff = Backoff(
            what=f"OpenSearch bulk into {self.index}", keepalive=keepalive
        )
        while pending:
            retry, reason = self._send(
                writes=writes, indices=pending, rejected=rejected
            )
            if not retry:
                break
            backoff.wait(reason)
            pending = retry
        return rejected

    def _send(
        self, *, writes: Sequence[Write], indices: list[int], rejected: dict[int, str]
    ) -> tuple[list[int], str]:
        """One bulk round trip; returns the writes to retry and why."""
        results = helpers.streaming_bulk(
            connections.opensearch(),
            (writes[i] for i in indices),
            chunk_size=int(tunables.get("LOAD_CHUNK")),
            expand_action_callback=self._serialized,
            raise_on_error=False,
            raise_on_exception=False,
            max_retries=0,
            filter_path=RESPONSE_FIELDS,
        )
        retry: list[int] = []
        reason = ""
        for i, (_, result) in zip(indices, results, strict=True):
            item = next(iter(result.values()))
            verdict = classify(item)
            if verdict == RETRY:
                retry.append(i)
                reason = describe(item)
            elif verdict != OK:
                rejected[i] = verdict
        return retry, reason

    def _serialized(self, write: Write) -> tuple[str, str]:
        """The bulk action line and document, serialised with orjson (the
        client's json serializer would pass strings through as they are)."""
        if not isinstance(write, DocumentWrite):
            raise TypeError(f"an OpenSearch index cannot apply {type(write).__name__}")
        action = {
            "index": {
                "_index": self.index,
                "_id": write.doc_id,
                "version": write.version,
                "version_type": "external",
            }
        }
        return orjson.dumps(action).decode(), orjson.dumps(write.document).decode()


def classify(item: Mapping[str, Any]) -> str:
    """OK, RETRY, or the error text of a write OpenSearch will never accept.

    409 means the stored document is already at this version or newer: done.
    429, 5xx and connection failures (status "N/A") are transient.
    """
    status = item.get("status")
    if isinstance(status, int) and (200 <= status < 300 or status == 409):
        return OK
    if not isinstance(status, int) or status == 429 or status >= 500:
        return RETRY
    return describe(item)


def describe(item: Mapping[str, Any]) -> str:
    error = item.get("error")
    if isinstance(error, Mapping):
        return f"{item.get('status')} {error.get('type')}: {error.get('reason')}"
    return f"{item.get('status')} {error}"


@contextmanager
def _unavailable_as_store_error() -> Iterator[None]:
    """An unreachable or failing (5xx) OpenSearch becomes `StoreUnavailable`,
    which runners wait out; a 4xx is a bug and propagates as it is."""
    try:
        yield
    except SearchUnreachable as exc:
        raise StoreUnavailable(f"OpenSearch unreachable: {exc}") from exc
    except TransportError as exc:
        if isinstance(exc.status_code, int) and exc.status_code < 500:
            raise
        raise StoreUnavailable(f"OpenSearch unavailable: {exc}") from exc
