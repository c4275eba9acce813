"""Which documents a change rewrote: OpenSearch `_seq_no` before and after."""

from opensearchpy import helpers

from config import connections
from projections import naming


def seq_nos(projection: str) -> dict[str, int]:
    """Every document id of the live index with its `_seq_no` (moves on any write)."""
    client = connections.opensearch()
    alias = naming.alias(projection)
    client.indices.refresh(index=alias)
    hits = helpers.scan(
        client,
        index=alias,
        query={"query": {"match_all": {}}},
        seq_no_primary_term=True,
        _source=False,
    )
    return {hit["_id"]: hit["_seq_no"] for hit in hits}


def rewritten(*, before: dict[str, int], after: dict[str, int]) -> set[str]:
    """Ids written since `before` (new documents included)."""
    return {key for key, seq_no in after.items() if before.get(key) != seq_no}
