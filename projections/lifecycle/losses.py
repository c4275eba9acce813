"""Notice that a live generation's data is gone, and mark it `lost`.

Every generation's store carries a marker written when it is created: the
Redis key `{ns}:{projection}:{generation}:marker` among its keys, or for
OpenSearch the index itself behind the alias (with the generation in its
mapping's `_meta`, so an index auto-created by a late write does not pass).
A store that answers without the marker has lost the data (FLUSHALL, a
restart without persistence, an index deleted by hand). A store that does
not answer has lost nothing we know of: that is an outage, and outages only
delay (`StoreUnavailable`).

Marking is a conditional UPDATE (live → lost), so of all the processes that
notice, one wins; `projections.rebuilds.healing` then rebuilds the projection.
"""

import logging

from django.utils import timezone

from projections import registry
from projections.errors import GenerationLost, StoreUnavailable
from projections.lifecycle import generations
from projections.models import GenerationState, ProjectionGeneration

logger = logging.getLogger(__name__)


def require_present(generation: ProjectionGeneration) -> None:
    """Raise `GenerationLost` (after marking it) if the generation's data is gone.

    `StoreUnavailable` passes through: the caller retries later.
    """
    reason = _missing(generation)
    if reason is None:
        return
    declare_lost(generation=generation, reason=reason)
    raise GenerationLost(
        projection=generation.projection,
        generation=generation.generation,
        reason=reason,
    )


def check(generation: ProjectionGeneration) -> bool:
    """True unless the live generation was found lost (and marked so) just now."""
    try:
        reason = _missing(generation)
    except StoreUnavailable as exc:
        logger.info("cannot check %s: %s", generation, exc)
        return True
    if reason is None:
        return True
    declare_lost(generation=generation, reason=reason)
    return False


def declare_lost(*, generation: ProjectionGeneration, reason: str) -> bool:
    """Mark a live generation lost; False if it was no longer live."""
    marked = ProjectionGeneration.objects.filter(
        pk=generation.pk, state=GenerationState.LIVE
    ).update(state=GenerationState.LOST, updated_at=timezone.now())
    if marked:
        generation.state = GenerationState.LOST
        logger.error(
            "%s generation %s is lost: %s; rebuilding it",
            generation.projection,
            generation.generation,
            reason,
        )
    return bool(marked)


def _missing(generation: ProjectionGeneration) -> str | None:
    spec = registry.get(generation.projection)
    store = generations.store_for(spec=spec, generation=generation.generation)
    return store.missing()
