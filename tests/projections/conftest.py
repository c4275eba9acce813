"""Fixtures of the projection tests: committed write-model data and clean stores."""

import pytest

from config import connections


@pytest.fixture
def stores(redis_client, opensearch):
    """Real Redis and OpenSearch, emptied of this namespace after the test."""
    yield
    connections.reset()


@pytest.fixture
def engine_db(transactional_db, stores):
    """A database whose writes commit (the outbox reader only sees committed rows)."""
    return transactional_db


@pytest.fixture
def projector_env(engine_db, project_env, tmp_path):
    """Environment of projector subprocesses: this session's test database and
    namespace, and short leases and retry budgets (read by config/settings/base.py)."""
    from django.db import connection

    return {
        **project_env,
        "PGDATABASE": connection.settings_dict["NAME"],
        "CQRS_LEASE_SECONDS": "3",
        "CQRS_WAKE_DEDUPE_MS": "2000",
        "CQRS_TICK_SECONDS": "0.5",
        "CQRS_STORE_RETRY_SECONDS": "3",
        "CQRS_RUN_SECONDS": "5",
        "LOG_LEVEL": "WARNING",
    }


@pytest.fixture
def broker_queues():
    """The test broker's queues, emptied before and after (killed workers leave
    messages behind)."""
    import dramatiq

    broker = dramatiq.get_broker()
    broker.flush_all()
    yield broker
    broker.flush_all()


@pytest.fixture
def tune(settings):
    """Set engine tunables (settings.CQRS keys) for one test."""

    def tune(**values):
        settings.CQRS = {**settings.CQRS, **values}

    return tune


@pytest.fixture
def cut_stores():
    """Proxies this test's projector processes reach OpenSearch and the
    read-model Redis through (`tests.projections.store_outage`)."""
    from tests.projections.store_outage import store_proxies

    with store_proxies() as proxies:
        yield proxies
