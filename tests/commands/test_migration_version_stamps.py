"""Migration 0003 back-fills stamps so every document keeps its old version."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from projections.products.fold import build_product_document
from projections.products.load import load

BEFORE = [("commands", "0002_outbox_notify_trigger")]

ROWS = """
INSERT INTO commands_catalogtree (id, version, created_at, updated_at)
VALUES (1, 7, now(), now());
INSERT INTO commands_category (id, name, slug, version, parent_id, created_at, updated_at)
VALUES (901, 'Root', 'root', 1, NULL, now(), now()),
       (902, 'Child', 'child', 3, 901, now(), now());
INSERT INTO commands_product (id, sku, name, description, category_id, price, currency,
    status, attributes, deleted, version, created_at, updated_at)
VALUES (801, 'LIVE', 'Live', '', 902, 5, 'EUR', 'active', '{}', false, 3, now(), now()),
       (802, 'GONE', 'Gone', '', 902, 5, 'EUR', 'active', '{}', true, 5, now(), now());
INSERT INTO commands_stockitem (product_id, on_hand, reserved, units_sold, version,
    created_at, updated_at)
VALUES (801, 1, 0, 0, 2, now(), now()), (802, 0, 0, 0, 2, now(), now());
INSERT INTO commands_customer (id, email, name, orders_count, lifetime_value, version,
    created_at, updated_at)
VALUES (701, 'ada@example.com', 'Ada', 3, 10, 4, now(), now());
"""


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_stamps(transactional_db):
    latest = _latest()
    _migrate(BEFORE)
    yield
    _migrate(latest)


def test_version_stamps_migration_keeps_the_old_composite_versions(before_stamps):
    with connection.cursor() as cursor:
        cursor.execute(ROWS)

    _migrate(_latest())

    rows = load(["801", "802"])
    versions = {key: build_product_document(row).version for key, row in rows.items()}
    # Old rule: product version + stock version + catalogue tree version.
    assert versions == {"801": 3 + 2 + 7, "802": 5 + 2 + 7}
    with connection.cursor() as cursor:
        cursor.execute("SELECT stamp FROM commands_customer WHERE id = 701")
        assert cursor.fetchone() == (4,)
