"""The admin login is throttled (django-axes): a sixth wrong password is refused."""

import pytest
from django.test import RequestFactory

from config.client_ip import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
RIGHT = "the-right-password"


@pytest.fixture
def boss(django_user_model):
    return django_user_model.objects.create_superuser("boss", password=RIGHT)


def attempt(client, *, password: str, forwarded_for: str = "") -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    response = client.post(
        LOGIN, {"username": "boss", "password": password}, headers=headers
    )
    return response.status_code


def test_admin_login_refuses_the_sixth_wrong_password_within_a_minute(client, boss):
    first_five = [attempt(client, password=f"wrong-{n}") for n in range(5)]

    assert first_five == [200] * 5  # the form again, with its error
    assert attempt(client, password="wrong-6") == 429
    assert attempt(client, password=RIGHT) == 429  # locked out for the cool-off


def test_admin_login_success_resets_the_failure_count(client, boss):
    [attempt(client, password=f"wrong-{n}") for n in range(4)]
    assert attempt(client, password=RIGHT) == 302
    client.logout()

    again = [attempt(client, password=f"again-{n}") for n in range(5)]

    assert again == [200] * 5


def test_admin_login_behind_a_proxy_counts_each_client_apart(client, boss, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    [
        attempt(client, password=f"wrong-{n}", forwarded_for="10.218.0.7")
        for n in range(6)
    ]

    other_client = attempt(client, password=RIGHT, forwarded_for="10.218.0.9")

    assert attempt(client, password=RIGHT, forwarded_for="10.218.0.7") == 429
    assert other_client == 302


def test_client_ip_ignores_addresses_the_client_wrote_itself(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="10.218.0.66, 10.218.0.7", REMOTE_ADDR="10.218.0.2"
    )

    assert client_ip(request) == "10.218.0.7"


def test_client_ip_without_trusted_proxies_is_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get(
        "/", HTTP_X_FORWARDED_FOR="10.218.0.66", REMOTE_ADDR="10.218.0.2"
    )

    assert client_ip(request) == "10.218.0.2"
