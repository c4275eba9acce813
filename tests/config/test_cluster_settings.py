"""Settings for a cluster: several OpenSearch nodes, index shape per projection."""

import pytest
from django.conf import settings

from config import connections
from config.settings.env import env_map
from projections import tunables
from projections.orders import schema as orders_schema
from projections.products import schema as products_schema


@pytest.fixture
def cqrs_settings(settings):
    settings.CQRS = dict(settings.CQRS)
    yield settings.CQRS
    connections.reset()


def test_index_shape_follows_settings_with_per_projection_overrides(cqrs_settings):
    cqrs_settings.update(
        INDEX_SHARDS=2,
        INDEX_REPLICAS=1,
        INDEX_SHARDS_BY_PROJECTION={"orders": 3},
        INDEX_REPLICAS_BY_PROJECTION={"products": 0},
    )

    assert tunables.index_shape("products") == {
        "number_of_shards": 2,
        "number_of_replicas": 0,
    }
    assert dict(orders_schema.SETTINGS) == {
        "number_of_shards": 3,
        "number_of_replicas": 1,
    }


def test_products_index_settings_carry_shape_and_analysis(cqrs_settings):
    cqrs_settings.update(INDEX_REPLICAS=1)

    built = dict(products_schema.SETTINGS)

    assert built["number_of_replicas"] == 1
    assert "analyzer" in built["analysis"]


def test_opensearch_client_sends_to_every_listed_host(cqrs_settings):
    cqrs_settings["OPENSEARCH_HOSTS"] = [
        "http://127.0.0.1:9201",
        "http://127.0.0.1:9202",
    ]
    connections.reset()

    hosts = connections.opensearch().transport.hosts

    assert [(h["host"], h["port"]) for h in hosts] == [
        ("127.0.0.1", 9201),
        ("127.0.0.1", 9202),
    ]


def test_opensearch_client_without_hosts_uses_the_url(cqrs_settings):
    cqrs_settings["OPENSEARCH_HOSTS"] = []
    connections.reset()

    hosts = connections.opensearch().transport.hosts

    url = settings.CQRS["OPENSEARCH_URL"]
    assert [f"http://{h['host']}:{h['port']}" for h in hosts] == [url]


def test_env_map_reads_name_number_pairs(monkeypatch):
    monkeypatch.setenv("CQRS_TEST_MAP", "products=3, orders=1")

    assert env_map("CQRS_TEST_MAP") == {"products": 3, "orders": 1}


def test_env_map_rejects_a_malformed_pair_naming_the_variable(monkeypatch):
    monkeypatch.setenv("CQRS_TEST_MAP", "products:3")

    with pytest.raises(ValueError, match="CQRS_TEST_MAP"):
        env_map("CQRS_TEST_MAP")
