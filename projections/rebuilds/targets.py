"""The store side of a generation: create it for loading, point readers, drop it.

OpenSearch: the index `{alias}-{generation}` is created from the mappings in
code with refresh off and no replicas while it loads, restored afterwards,
and joins the alias only at the swap, in one `_aliases` request that moves
the alias from the old index to the new one. Redis: the generation's keys
live under `{ns}:{projection}:{generation}:` and readers resolve the pointer
`{ns}:gen:{projection}`, so the swap is a single SET.
"""

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from opensearchpy.exceptions import NotFoundError

from config import connections
from projections import naming
from projections.registry import ProjectionSpec

logger = logging.getLogger(__name__)

LOADING_SETTINGS = {"refresh_interval": "-1", "number_of_replicas": 0}
DELETE_CHUNK = 500


class GenerationTarget(Protocol):
    where: str

    def prepare(self, *, fresh: bool) -> None:
        """Create the empty store (dropping leftovers when `fresh`) for loading."""

    def finish_loading(self) -> None:
        """Restore serving settings and make every loaded document searchable."""

    def exists(self) -> bool: ...

    def point_readers(self) -> None:
        """Atomically send every reader of the projection to this generation."""

    def delete(self) -> None: ...


class IndexTarget:
    def __init__(self, *, spec: ProjectionSpec, generation: str) -> None:
        self.spec = spec
        self.alias = naming.alias(spec.name)
        self.generation = generation
        self.index = naming.index_name(projection=spec.name, generation=generation)
        self.where = f"index {self.index}"

    def prepare(self, *, fresh: bool) -> None:
        client = connections.opensearch()
        if client.indices.exists(index=self.index):
            if not fresh:
                return
            # No generation row owns it: the leftover of an abandoned build.
            client.indices.delete(index=self.index)
        settings = {**self.spec.index_settings, **LOADING_SETTINGS}
        mappings = naming.marked_mappings(
            mappings=self.spec.mappings, generation=self.generation
        )
        client.indices.create(
            index=self.index, body={"settings": settings, "mappings": mappings}
        )
        logger.info("created %s for loading", self.where)

    def finish_loading(self) -> None:
        client = connections.opensearch()
        client.indices.put_settings(index=self.index, body=serving_settings(self.spec))
        client.indices.refresh(index=self.index)

    def exists(self) -> bool:
        return bool(connections.opensearch().indices.exists(index=self.index))

    def point_readers(self) -> None:
        client = connections.opensearch()
        holders = [index for index in self._alias_holders() if index != self.index]
        actions: list[dict[str, Any]] = [
            {"remove": {"index": index, "alias": self.alias}} for index in holders
        ]
        actions.append({"add": {"index": self.index, "alias": self.alias}})
        client.indices.update_aliases(body={"actions": actions})

    def delete(self) -> None:
        connections.opensearch().indices.delete(
            index=self.index, ignore_unavailable=True
        )

    def _alias_holders(self) -> list[str]:
        try:
            return list(connections.opensearch().indices.get_alias(name=self.alias))
        except NotFoundError:
            return []


class KeyspaceTarget:
    def __init__(self, *, spec: ProjectionSpec, generation: str) -> None:
        self.projection = spec.name
        self.generation = generation
        self.prefix = naming.redis_prefix(projection=spec.name, generation=generation)
        self.where = f"Redis keys {self.prefix}:*"

    def prepare(self, *, fresh: bool) -> None:
        """A fresh namespace holds only the marker (see `projections.lifecycle.losses`)."""
        if fresh:
            self.delete()
            connections.redis_client().set(
                naming.generation_marker(
                    projection=self.projection, generation=self.generation
                ),
                "1",
            )

    def finish_loading(self) -> None:
        """Nothing to do: Redis serves every write at once."""

    def exists(self) -> bool:
        client = connections.redis_client()
        return any(True for _ in client.scan_iter(match=f"{self.prefix}:*", count=500))

    def point_readers(self) -> None:
        connections.redis_client().set(
            naming.generation_pointer(self.projection), self.generation
        )

    def delete(self) -> None:
        client = connections.redis_client()
        batch: list[str] = []
        for key in client.scan_iter(match=f"{self.prefix}:*", count=DELETE_CHUNK):
            batch.append(key)
            if len(batch) >= DELETE_CHUNK:
                client.unlink(*batch)
                batch.clear()
        if batch:
            client.unlink(*batch)


def target_for(*, spec: ProjectionSpec, generation: str) -> GenerationTarget:
    if spec.store == "opensearch":
        return IndexTarget(spec=spec, generation=generation)
    return KeyspaceTarget(spec=spec, generation=generation)


def serving_settings(spec: ProjectionSpec) -> dict[str, Any]:
    """The loading overrides set back to the projection's own (None: the default)."""
    own: Mapping[str, Any] = spec.index_settings
    return {"index": {name: own.get(name) for name in LOADING_SETTINGS}}
