"""Apply a batch of outbox events to one generation of a projection.

An event only says WHICH documents it affects (`keys_for`); the documents
are then LOADED in their current state from the write model and BUILT by a
pure function, and written whole with a version that grows exactly when one
of the document's inputs changes (projections/README.md "Document
versions"). Hence applying an event twice, late, or out of
order writes either the same document with the same version (a no-op) or a
newer state; never an older one. Per-event failures (a fold exception, a
mapping error) park the event as a dead letter; store outages raise
`StoreUnavailable` and park nothing.
"""

import logging
import traceback
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from projections import tunables
from projections.events import Event, aggregate_of
from projections.outbox.snapshots import consistent_snapshot
from projections.registry import ProjectionSpec
from projections.stores import Store
from projections.writes import Write

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    error: str
    traceback: str = ""


@dataclass(frozen=True)
class Parked:
    """An event that could not be applied, or waits behind one that could not."""

    event: Event
    failure: Failure
    blocked: bool = False


def apply_events(
    *,
    spec: ProjectionSpec,
    store: Store,
    events: Sequence[Event],
    blocked: Collection[tuple[str, str]] = (),
    keepalive: Callable[[], None] | None = None,
) -> list[Parked]:
    """Apply `events` (in outbox order); return the ones that must be parked.

    Events of an aggregate in `blocked` (it has an open dead letter) are
    parked behind it without being applied.
    """
    relevant = [event for event in events if spec.handles(event)]
    keys_by_event: dict[int, set[str]] = {}
    failures: dict[int, Failure] = {}
    for event in relevant:
        if aggregate_of(event) in blocked:
            continue
        try:
            keys_by_event[event.position] = {str(k) for k in spec.keys_for(event)}
        except Exception as exc:  # noqa: BLE001 - any fold error parks the event
            failures[event.position] = _failure(exc)
    all_keys = set().union(*keys_by_event.values())
    failed_keys = write_keys(spec=spec, store=store, keys=all_keys, keepalive=keepalive)
    for position, keys in keys_by_event.items():
        hit = sorted(keys & failed_keys.keys())
        if hit:
            failures[position] = failed_keys[hit[0]]
    return _parked(events=relevant, failures=failures, blocked=blocked)


def write_keys(
    *,
    spec: ProjectionSpec,
    store: Store,
    keys: Collection[str],
    keepalive: Callable[[], None] | None = None,
) -> dict[str, Failure]:
    """Load, build and write the documents `keys`; return the keys that failed."""
    ordered = sorted(keys)
    chunk = int(tunables.get("LOAD_CHUNK"))
    failures: dict[str, Failure] = {}
    for start in range(0, len(ordered), chunk):
        failures.update(
            _write_chunk(
                spec=spec,
                store=store,
                keys=ordered[start : start + chunk],
                keepalive=keepalive,
            )
        )
    return failures


def _write_chunk(
    *,
    spec: ProjectionSpec,
    store: Store,
    keys: Sequence[str],
    keepalive: Callable[[], None] | None,
) -> dict[str, Failure]:
    with consistent_snapshot():
        rows = spec.load(keys)
    failures: dict[str, Failure] = {}
    built: list[tuple[str, Write]] = []
    for key, row in rows.items():
        try:
            built.append((str(key), spec.build(row)))
        except Exception as exc:  # noqa: BLE001 - a fold bug parks its events
            failures[str(key)] = _failure(exc)
    rejected = store.write([write for _, write in built], keepalive=keepalive)
    for index, error in rejected.items():
        failures[built[index][0]] = Failure(error=error)
    return failures


def _parked(
    *,
    events: Sequence[Event],
    failures: dict[int, Failure],
    blocked: Collection[tuple[str, str]],
) -> list[Parked]:
    """Failed events, and every later event of their aggregates, in order."""
    parked: list[Parked] = []
    poisoned: dict[tuple[str, str], Failure] = {}
    for event in events:
        aggregate = aggregate_of(event)
        failure = failures.get(event.position)
        if aggregate in blocked or aggregate in poisoned:
            behind = poisoned.get(aggregate) or Failure(error="")
            parked.append(Parked(event=event, failure=behind, blocked=True))
        elif failure is not None:
            logger.warning(
                "projection event %s %s:%s parked: %s",
                event.event_type,
                event.aggregate_type,
                event.aggregate_id,
                failure.error,
            )
            poisoned[aggregate] = failure
            parked.append(Parked(event=event, failure=failure))
    return parked


def _failure(exc: Exception) -> Failure:
    return Failure(
        error=f"{type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
    )
