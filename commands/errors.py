"""Domain errors raised by command handlers; the edges translate them (HTTP, admin, CLI)."""


class DomainError(Exception):
    """A command was refused by a business rule; nothing was written."""

    code = "domain_error"


class NotFound(DomainError):
    """The aggregate a command targets does not exist (or is soft-deleted)."""

    code = "not_found"

    def __init__(self, *, model: str, pk: object) -> None:
        super().__init__(f"{model} {pk} does not exist")
        self.model = model
        self.pk = pk


class ValidationError(DomainError):
    """The command's input breaks a rule; `fields` maps each field to its messages."""

    code = "invalid"

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items()))
        self.fields = fields

    @classmethod
    def on(cls, field: str, message: str) -> "ValidationError":
        return cls({field: [message]})


class Conflict(DomainError):
    """The command conflicts with the aggregate's current state."""

    code = "conflict"


class IllegalTransition(Conflict):
    """A state machine (order, product, API key) does not allow this step."""

    code = "illegal_transition"

    def __init__(self, *, model: str, pk: object, current: str, action: str) -> None:
        super().__init__(f"cannot {action} {model} {pk}: it is {current}")
        self.current = current
        self.action = action


class InsufficientStock(Conflict):
    """Reserving or removing stock would take availability below zero."""

    code = "insufficient_stock"

    def __init__(self, shortages: dict[int, tuple[int, int]]) -> None:
        """`shortages` maps product id to (requested, available)."""
        detail = ", ".join(
            f"product {pk}: requested {want}, available {have}"
            for pk, (want, have) in sorted(shortages.items())
        )
        super().__init__(f"insufficient stock ({detail})")
        self.shortages = shortages


class StaleVersion(DomainError):
    """The caller's expected version (If-Match) is not the aggregate's current one."""

    code = "stale_version"

    def __init__(self, *, model: str, pk: object, expected: int, actual: int) -> None:
        super().__init__(
            f"{model} {pk} is at version {actual}, not {expected}; reload and retry"
        )
        self.expected = expected
        self.actual = actual


class BulkWriteRefused(RuntimeError):
    """A write that would bypass the outbox (bulk queryset op, direct save/delete)."""


class OutboxMisuse(RuntimeError):
    """The outbox was used outside the writing transaction."""
