"""Why a rebuild or rollback could not go ahead, in words a person can act on."""

from projections.errors import ProjectionError


class RebuildError(ProjectionError):
    """Base class of the rebuild errors."""


class RebuildLocked(RebuildError):
    def __init__(self, projection: str) -> None:
        super().__init__(
            f"another rebuild or rollback of {projection!r} is running (it holds "
            "the projection's lock); wait for it to finish, or check "
            "`projection_status` and the admin's rebuild runs"
        )


class NothingToResume(RebuildError):
    def __init__(self, projection: str) -> None:
        super().__init__(
            f"no interrupted rebuild of {projection!r} to resume; run without "
            "--resume to start one"
        )


class NothingToRollBack(RebuildError):
    def __init__(self, projection: str) -> None:
        super().__init__(
            f"{projection!r} has no retired generation left to roll back to "
            "(older generations are deleted by `rebuild_projection --keep`)"
        )


class DocumentsRejected(RebuildError):
    """The store refused some documents for good; the generation is not swapped in."""

    def __init__(self, *, projection: str, rejected: int, examples: list[str]) -> None:
        shown = "; ".join(examples)
        super().__init__(
            f"{rejected} document(s) of {projection!r} were rejected by the store, "
            f"so the new generation was not swapped in: {shown}"
        )


class CatchUpTimeout(RebuildError):
    def __init__(self, *, projection: str, generation: str, lag: int) -> None:
        super().__init__(
            f"generation {generation} of {projection!r} did not catch up with the "
            f"outbox in time ({lag} event(s) still waiting); it keeps following "
            "the outbox: run `rebuild_projection --resume` to finish the swap"
        )
