"""Generations of a projection: which one is live, and where each one lives.

A generation is one complete build of a read model: the OpenSearch index
`{alias}-{generation}` behind the alias, or the Redis keys under
`{ns}:{projection}:{generation}:` behind the pointer `{ns}:gen:{projection}`,
with its own checkpoints (one per segment). Generation "1" is created on
first use; a rebuild creates the next one beside it and swaps it in.
"""

from django.db import IntegrityError, transaction

from projections import registry, tunables
from projections.models import GenerationState, ProjectionGeneration, SegmentCheckpoint
from projections.registry import ProjectionSpec
from projections.stores import Store
from projections.stores.opensearch_index import OpenSearchIndexStore
from projections.stores.redis_versioned import RedisVersionedStore

FIRST_GENERATION = "1"


def ensure_live_generation(projection: str) -> ProjectionGeneration:
    """The live generation of `projection`, created with its store if none exists.

    Idempotent and safe to race: the database admits one live generation per
    projection, index creation tolerates "already exists" and the Redis
    pointer is set only if absent. A lost generation (see
    `projections.rebuilds.healing`) is returned as it is: its rebuild replaces it, and
    nothing may re-create its store empty meanwhile.
    """
    spec = registry.get(projection)
    generation = current_generation(projection)
    if generation is not None and generation.state == GenerationState.LOST:
        return generation
    if generation is None:
        generation = _create_first(spec)
    ensure_checkpoints(generation)
    return generation


def live_generation(projection: str) -> ProjectionGeneration | None:
    return ProjectionGeneration.objects.filter(
        projection=projection, state=GenerationState.LIVE
    ).first()


def current_generation(projection: str) -> ProjectionGeneration | None:
    """The generation readers are meant to see: the live one, or the lost one
    a rebuild is replacing."""
    return (
        ProjectionGeneration.objects.filter(
            projection=projection,
            state__in=(GenerationState.LIVE, GenerationState.LOST),
        )
        .order_by("-updated_at", "-id")
        .first()
    )


def active_generations() -> list[ProjectionGeneration]:
    """Every generation that has runners: the live ones and those being built."""
    return list(
        ProjectionGeneration.objects.exclude(state=GenerationState.RETIRED).filter(
            projection__in=registry.names()
        )
    )


def get_generation(*, projection: str, generation: str) -> ProjectionGeneration:
    return ProjectionGeneration.objects.get(
        projection=projection, generation=generation
    )


def ensure_checkpoints(generation: ProjectionGeneration) -> None:
    """One checkpoint row per segment of `generation` (existing rows untouched)."""
    SegmentCheckpoint.objects.bulk_create(
        [
            SegmentCheckpoint(
                projection=generation.projection,
                generation=generation.generation,
                segment=segment,
            )
            for segment in range(generation.segments)
        ],
        ignore_conflicts=True,
    )


def store_for(*, spec: ProjectionSpec, generation: str) -> Store:
    """The store of one generation of a projection."""
    if spec.store == "opensearch":
        return OpenSearchIndexStore(
            projection=spec.name,
            generation=generation,
            index_settings=spec.index_settings,
            mappings=spec.mappings,
        )
    return RedisVersionedStore(keys=spec.key_layout, generation=generation)


def _create_first(spec: ProjectionSpec) -> ProjectionGeneration:
    """Generation 1, its store made (and marked) before its row commits, so a
    periodic check never sees the row without the store. Only a new
    generation: re-creating an existing one's store would hide its loss."""
    if not ProjectionGeneration.objects.filter(
        projection=spec.name, generation=FIRST_GENERATION
    ).exists():
        store_for(spec=spec, generation=FIRST_GENERATION).ensure(live=True)
    try:
        with transaction.atomic():
            return ProjectionGeneration.objects.create(
                projection=spec.name,
                generation=FIRST_GENERATION,
                state=GenerationState.LIVE,
                segments=tunables.segments_for(spec.name),
            )
    except IntegrityError:
        # Another process created it first (or it exists but is not live).
        generation = live_generation(spec.name)
        if generation is None:
            raise
        return generation
