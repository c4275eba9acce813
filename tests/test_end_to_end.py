"""The whole platform as a user meets it: write API → outbox → worker → read API.

Every process is real: gunicorn for both web roles, a Dramatiq worker and the
outbox listener, against the test database, Redis and OpenSearch.
"""

import json
import urllib.error
import urllib.request

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from commands.handlers.apikey import apikey_issue, apikey_revoke
from commands.handlers.category import category_create
from tests.processes import http_get, poll_until


@pytest.fixture
def platform(write_server, read_server, worker_process, listener_process):
    return {"write": write_server, "read": read_server}


@pytest.fixture
def staff_token(transactional_db):
    user = User.objects.create_superuser("staff", "staff@example.com", "pw")
    return Token.objects.create(user=user).key


@pytest.fixture
def api_key(transactional_db):
    _, raw_key = apikey_issue(name="e2e", scopes="catalog:read,orders:read")
    return raw_key


def _post(url: str, *, token: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def _authorised(read_url: str, key: str) -> bool:
    status, _ = http_get(
        f"{read_url}/v1/products?page_size=1",
        headers={"Authorization": f"Api-Key {key}"},
    )
    return status == 200


@pytest.mark.django_db(transaction=True)
def test_platform_write_then_read_your_write(platform, staff_token, api_key):
    category = category_create(name="Lamps", slug="lamps", parent_id=None)
    poll_until(lambda: _authorised(platform["read"], api_key), timeout=60)

    status, headers, product = _post(
        f"{platform['write']}/api/products",
        token=staff_token,
        body={
            "sku": "LAMP-1",
            "name": "Brass desk lamp",
            "description": "warm light",
            "category": category.pk,
            "price": "49.90",
            "currency": "EUR",
            "status": "active",
        },
    )
    assert status == 201, product
    token = headers["X-Consistency-Token"]

    status, body = http_get(
        f"{platform['read']}/v1/products/{product['id']}",
        headers={"Authorization": f"Api-Key {api_key}", "X-Consistency-Token": token},
    )
    assert status == 200, body
    assert body["name"] == "Brass desk lamp"
    assert body["category_path"] == ["lamps"]


@pytest.mark.django_db(transaction=True)
def test_platform_revoked_key_is_locked_out_within_seconds(platform):
    key, raw_key = apikey_issue(name="temporary", scopes="catalog:read")
    poll_until(lambda: _authorised(platform["read"], raw_key), timeout=60)

    apikey_revoke(apikey_id=key.pk)

    poll_until(lambda: not _authorised(platform["read"], raw_key), timeout=10)
