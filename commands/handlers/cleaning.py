"""Input rules shared by handlers; each failure names the field it is about."""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from commands.errors import ValidationError

CURRENCY_LENGTH = 3


def clean_text(
    value: object, *, field: str, max_length: int, blank: bool = False
) -> str:
    if not isinstance(value, str):
        raise ValidationError.on(field, "must be a string")
    value = value.strip()
    if not value and not blank:
        raise ValidationError.on(field, "may not be blank")
    if len(value) > max_length:
        raise ValidationError.on(field, f"must be at most {max_length} characters")
    return value


def clean_price(value: object, *, field: str = "price") -> Decimal:
    """A positive amount with at most 2 decimal places and 10 integer digits."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError.on(field, "must be a decimal number") from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError.on(field, "must be greater than zero")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError.on(field, "must have at most 2 decimal places")
    if amount >= Decimal("1e10"):
        raise ValidationError.on(field, "must be less than 10,000,000,000")
    return amount.quantize(Decimal("0.01"))


def clean_currency(value: object, *, field: str = "currency") -> str:
    if (
        not isinstance(value, str)
        or len(value) != CURRENCY_LENGTH
        or not value.isascii()
        or not value.isalpha()
    ):
        raise ValidationError.on(field, "must be a 3-letter ISO 4217 code")
    return value.upper()


def clean_int(value: object, *, field: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.on(field, "must be an integer")
    if minimum is not None and value < minimum:
        raise ValidationError.on(field, f"must be at least {minimum}")
    return value


def clean_choice(value: object, *, field: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValidationError.on(field, f"must be one of: {', '.join(choices)}")
    return str(value)


def clean_mapping(value: object, *, field: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValidationError.on(field, "must be an object with string keys")
    return dict(value)
