"""Fixtures of the write-side tests: real PostgreSQL, data made through handlers."""

from dataclasses import dataclass

import pytest
from rest_framework.test import APIClient

from commands.handlers.category import category_create
from commands.handlers.customer import customer_register
from commands.handlers.product import product_create
from commands.models import OutboxEvent
from tests.sessions import pg_session


@dataclass(frozen=True)
class Emitted:
    event_type: str
    aggregate_type: str
    aggregate_id: str
    version: int


class OutboxProbe:
    """The events appended since the probe was last marked (read through the ORM,
    so it also sees the uncommitted rows of a test's own transaction)."""

    def __init__(self) -> None:
        self.mark()

    def mark(self) -> None:
        last = OutboxEvent.objects.order_by("-position").first()
        self._after = last.position if last else 0

    def new(self) -> list[Emitted]:
        rows = OutboxEvent.objects.filter(position__gt=self._after).order_by("position")
        return [
            Emitted(e.event_type, e.aggregate_type, e.aggregate_id, e.aggregate_version)
            for e in rows
        ]

    def new_types(self) -> list[str]:
        return [e.event_type for e in self.new()]

    def payloads(self) -> list[dict]:
        rows = OutboxEvent.objects.filter(position__gt=self._after).order_by("position")
        return [e.payload for e in rows]


@pytest.fixture
def outbox(db) -> OutboxProbe:
    return OutboxProbe()


@pytest.fixture
def category(db):
    return category_create(name="Outdoor")


@pytest.fixture
def make_product(category):
    counter = iter(range(1, 10_000))

    def make(**overrides):
        n = next(counter)
        fields = {
            "sku": f"SKU-{n}",
            "name": f"Product {n}",
            "category_id": category.pk,
            "price": "10.00",
            "status": "active",
            "initial_stock": 10,
        }
        return product_create(**{**fields, **overrides})

    return make


@pytest.fixture
def product(make_product):
    return make_product()


@pytest.fixture
def customer(db):
    return customer_register(email="ada@example.com", name="Ada Lovelace")


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="staff", password="pw", is_staff=True
    )


@pytest.fixture
def api(staff_user) -> APIClient:
    client = APIClient()
    client.force_authenticate(staff_user)
    return client


@pytest.fixture
def raw_connection():
    """A second, independent PostgreSQL session on the test database."""
    conn = pg_session()
    yield conn
    conn.close()
