"""The plumbing works against the real services: PostgreSQL, Redis, OpenSearch, broker."""

import subprocess
import sys
import uuid

import pytest
from django.contrib.auth.models import User
from django.db import connection

from projections.running.heartbeat import heartbeat, heartbeat_key
from tests.processes import poll_until


@pytest.mark.django_db
def test_write_role_postgresql_round_trip():
    User.objects.create_user(username="plumbing", password="x")

    assert User.objects.filter(username="plumbing").exists()
    assert connection.vendor == "postgresql"


def test_redis_round_trip(redis_client, namespace):
    key = f"{namespace}:plumbing:{uuid.uuid4().hex}"

    redis_client.set(key, "value", ex=60)

    assert redis_client.get(key) == "value"


def test_opensearch_round_trip(opensearch, namespace):
    index = f"{namespace}-plumbing"
    opensearch.indices.create(index=index, body={"settings": {"number_of_replicas": 0}})

    opensearch.index(index=index, id="1", body={"name": "widget"}, refresh=True)

    assert opensearch.get(index=index, id="1")["_source"] == {"name": "widget"}
    hits = opensearch.search(index=index, body={"query": {"match": {"name": "widget"}}})
    assert hits["hits"]["total"]["value"] == 1


def test_read_role_configures_no_database(project_env):
    env = dict(project_env, DJANGO_SETTINGS_MODULE="config.settings.read")
    code = "import django; django.setup(); from django.conf import settings; print(repr(settings.DATABASES))"

    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )

    assert out.stdout.strip() == "{}"


def test_actor_is_processed_by_a_real_worker_process(worker_process, redis_client):
    token = uuid.uuid4().hex

    heartbeat.send(token)

    assert poll_until(lambda: redis_client.get(heartbeat_key(token)), timeout=30)
