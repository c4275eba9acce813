"""Exceptions of the projection engine."""


class ProjectionError(Exception):
    """Base class of the engine's errors."""


class UnknownProjection(ProjectionError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown projection {name!r}")
        self.name = name


class IncompleteProjection(ProjectionError):
    """A projection's registration lacks a part or declares a wrong one."""

    def __init__(self, *, name: str, problems: list[str]) -> None:
        super().__init__(
            f"projection {name!r} is not registered correctly: " + "; ".join(problems)
        )
        self.name = name
        self.problems = problems


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


class GenerationLost(ProjectionError):
    """The live generation's store is reachable but its data is gone."""

    def __init__(self, *, projection: str, generation: str, reason: str) -> None:
        super().__init__(
            f"generation {generation} of {projection} is lost ({reason}); "
            "it is being rebuilt"
        )
        self.projection, self.generation, self.reason = projection, generation, reason
