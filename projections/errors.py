"""Exceptions of the projection engine."""


class ProjectionError(Exception):
    """Base class of the engine's errors."""


class UnknownProjection(ProjectionError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown projection {name!r}")
        self.name = name


class StoreUnavailable(ProjectionError):
    """A read-model store stayed unreachable (or overloaded) past the retry budget.

    The run ends without advancing its checkpoint and without dead-lettering:
    nothing is wrong with the events, so a later run simply tries again.
    """


class LeaseLost(ProjectionError):
    """Another runner claimed the segment; this runner's progress is void."""

    def __init__(self, *, projection: str, generation: str, segment: int) -> None:
        super().__init__(
            f"lease of {projection}/{generation}/segment {segment} was lost "
            "(another runner holds a newer fence)"
        )


class SegmentBusy(ProjectionError):
    """A segment could not be claimed in time: another runner holds it, or it is paused."""
