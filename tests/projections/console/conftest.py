"""Fixtures of the ops console tests: staff with and without the operators group,
a worker for the queued rebuilds, and a poisoned product that parks dead letters."""

import dataclasses

import dramatiq
import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from commands.handlers.category import category_create
from commands.handlers.product import product_create, product_update
from projections import registry
from projections.models import DeadLetter
from projections.ops.console_admin import OPERATORS_GROUP
from projections.products.fold import build_product_document
from tests.projections.draining import drain
from tests.projections.rebuild.seeding import Catalog, make_catalog

OPERATOR_CODENAMES = [
    "operate_projections",
    "view_deadletter",
    "view_projectiongeneration",
    "view_rebuildrun",
    "view_segmentcheckpoint",
]
CONSOLE_URL = "/admin/projections/projectiongeneration/console/"


def action_url(projection: str, action: str) -> str:
    return f"{CONSOLE_URL}{projection}/{action}/"


def operators_group() -> Group:
    """The migration's group (transactional tests flush it away, so make it again)."""
    group, _ = Group.objects.get_or_create(name=OPERATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="projections", codename__in=OPERATOR_CODENAMES
        )
    )
    return group


@pytest.fixture
def operator(django_user_model):
    user = django_user_model.objects.create_user(
        "olga", password="operator-pw", is_staff=True
    )
    user.groups.add(operators_group())
    return user


@pytest.fixture
def operator_client(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def viewer_client(django_user_model) -> Client:
    """Staff who may view projections and dead letters, but not operate them."""
    user = django_user_model.objects.create_user(
        "vic", password="viewer-pw", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_projectiongeneration", "view_deadletter"]
        )
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def worker(broker_queues):
    """An in-process Dramatiq worker for the rebuild and rollback tasks."""
    worker = dramatiq.Worker(broker_queues, worker_threads=1, worker_timeout=100)
    worker.start()
    yield broker_queues
    worker.stop()


@pytest.fixture
def catalog(engine_db) -> Catalog:
    """A small catalogue, projected into every read model (generation 1)."""
    made = make_catalog(products=30)
    drain()
    return made


def _refuse_poison(row):
    if row.product["name"] == "Poison":
        raise ValueError("cannot fold a product called Poison")
    return build_product_document(row)


@dataclasses.dataclass(frozen=True)
class Poisoned:
    product_id: int
    first: DeadLetter  # ProductCreated, the fold failed
    held_back: DeadLetter  # ProductUpdated, parked behind it


@pytest.fixture
def poisoned(engine_db, monkeypatch) -> Poisoned:
    """A product the (buggy) products fold refuses, then renamed: its two
    product events are parked, the second held back by the first (its stock
    event is parked too). Retrying the first now applies it: the fold sees
    the product's current, harmless name."""
    spec = registry.get("products")
    monkeypatch.setitem(
        registry._specs(), "products", dataclasses.replace(spec, build=_refuse_poison)
    )
    category = category_create(name="Tools").pk
    product = product_create(
        sku="P-1", name="Poison", category_id=category, price="5.00"
    ).pk
    drain(names=["products"])
    product_update(product_id=product, name="Fixed")
    drain(names=["products"])
    first, held_back = DeadLetter.objects.filter(
        projection="products", aggregate_type="product", aggregate_id=str(product)
    ).order_by("txid", "position")
    return Poisoned(product_id=product, first=first, held_back=held_back)
