"""The orjson serializer sends what opensearch-py's own would, and OpenSearch agrees."""

import datetime
import uuid
from decimal import Decimal

import pytest
from opensearchpy.exceptions import SerializationError

from config.serialization import OrjsonSerializer


def test_orjson_serializer_encodes_the_types_documents_carry():
    doc = {
        "when": datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "price": Decimal("19.99"),
        "name": "Lampe à huile",
    }

    decoded = OrjsonSerializer().loads(OrjsonSerializer().dumps(doc))

    assert decoded == {
        "when": "2026-01-02T03:04:05+00:00",
        "id": "12345678-1234-5678-1234-567812345678",
        "price": 19.99,
        "name": "Lampe à huile",
    }


def test_orjson_serializer_passes_strings_through():
    assert OrjsonSerializer().dumps('{"already": "json"}') == '{"already": "json"}'


def test_orjson_serializer_refuses_unknown_types_with_opensearch_error():
    with pytest.raises(SerializationError):
        OrjsonSerializer().dumps({"x": object()})


def test_opensearch_client_round_trips_through_orjson(opensearch, namespace):
    index = f"{namespace}-serialization"
    opensearch.indices.create(index=index, body={"settings": {"number_of_replicas": 0}})

    opensearch.index(index=index, id="1", body={"price": Decimal("2.50")}, refresh=True)

    assert opensearch.get(index=index, id="1")["_source"] == {"price": 2.5}
