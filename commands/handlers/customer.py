"""Customer commands. Order handlers change the stats (`CustomerStatsChanged`)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from commands import events
from commands.errors import ValidationError
from commands.handlers.aggregates import (
    UNSET,
    Unset,
    aggregate_event,
    bump,
    lock_for_change,
)
from commands.handlers.cleaning import clean_text
from commands.models import Customer
from commands.outbox import outbox_extend
from commands.write_guard import command_handler

LABEL = "customer"
NAME_MAX = 200
EMAIL_MAX = 254


@command_handler
def customer_register(*, email: str, name: str) -> Customer:
    customer = Customer(
        email=_clean_email(email),
        name=clean_text(name, field="name", max_length=NAME_MAX),
    )
    _ensure_email_free(customer.email)
    customer.save()
    outbox_extend([aggregate_event(customer, event_type=events.CUSTOMER_REGISTERED)])
    return customer


@command_handler
def customer_update(
    *,
    customer_id: int,
    expected_version: int | None = None,
    email: str | Unset = UNSET,
    name: str | Unset = UNSET,
) -> Customer:
    """Change email and/or name; a change that changes nothing emits nothing."""
    customer = lock_customer(customer_id, expected_version=expected_version)
    changed: dict[str, str] = {}
    if email is not UNSET:
        changed["email"] = _clean_email(email)
    if name is not UNSET:
        changed["name"] = clean_text(name, field="name", max_length=NAME_MAX)
    changed = {k: v for k, v in changed.items() if getattr(customer, k) != v}
    if not changed:
        return customer
    if "email" in changed:
        _ensure_email_free(changed["email"])
    for field, value in changed.items():
        setattr(customer, field, value)
    bump(customer)
    customer.stamp += 1  # what order documents show changed (stats changes: not)
    customer.save()
    outbox_extend([aggregate_event(customer, event_type=events.CUSTOMER_UPDATED)])
    return customer


def lock_customer(customer_id: int, *, expected_version: int | None = None) -> Customer:
    return lock_for_change(
        Customer.objects.all(),
        pk=customer_id,
        label=LABEL,
        expected_version=expected_version,
    )


def _clean_email(email: object) -> str:
    address = clean_text(email, field="email", max_length=EMAIL_MAX).lower()
    try:
        validate_email(address)
    except DjangoValidationError:
        raise ValidationError.on("email", "must be a valid email address") from None
    return address


def _ensure_email_free(email: str) -> None:
    if Customer.objects.filter(email__iexact=email).exists():
        raise ValidationError.on("email", f"{email} is already registered")
