"""Customer handlers."""

import pytest

from commands.errors import StaleVersion, ValidationError
from commands.handlers.customer import customer_register, customer_update
from tests.commands.conftest import Emitted

pytestmark = pytest.mark.django_db


def test_customer_register_emits_customer_registered(outbox):
    customer = customer_register(email="Grace@Example.com", name="Grace Hopper")

    assert customer.email == "grace@example.com"
    assert outbox.new() == [
        Emitted("CustomerRegistered", "customer", str(customer.pk), 1)
    ]
    assert outbox.payloads()[0]["lifetime_value"] == "0.00"


def test_customer_register_refuses_an_email_taken_in_any_case(customer):
    with pytest.raises(ValidationError) as refused:
        customer_register(email="ADA@example.com", name="Impostor")

    assert list(refused.value.fields) == ["email"]


def test_customer_register_refuses_an_invalid_email():
    with pytest.raises(ValidationError) as refused:
        customer_register(email="not-an-email", name="X")

    assert list(refused.value.fields) == ["email"]


def test_customer_update_emits_customer_updated(customer, outbox):
    updated = customer_update(customer_id=customer.pk, name="Ada King")

    assert (updated.name, updated.version) == ("Ada King", 2)
    assert outbox.new() == [Emitted("CustomerUpdated", "customer", str(customer.pk), 2)]


def test_customer_update_refuses_a_stale_expected_version(customer):
    with pytest.raises(StaleVersion):
        customer_update(customer_id=customer.pk, name="X", expected_version=3)
