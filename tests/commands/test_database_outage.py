"""PostgreSQL unreachable: the write role answers 503 with Retry-After, never a 500,
and serves again by itself once PostgreSQL is back (a real gunicorn process whose
only path to PostgreSQL is a TCP proxy the test cuts)."""

import json
import queue
import threading

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from tests.processes import http_call, poll_until, start_web
from tests.projections.netproxy import NetProxy


@pytest.fixture
def pg_proxy():
    database = settings.DATABASES["default"]
    proxy = NetProxy(target_host=database["HOST"], target_port=int(database["PORT"]))
    yield proxy
    proxy.close()


@pytest.fixture
def proxied_write_server(write_env, pg_proxy, process_log_dir):
    env = dict(write_env, PGPORT=str(pg_proxy.port), PGHOST="127.0.0.1")
    process, url = start_web(role="write", env=env, log_dir=process_log_dir)
    yield url
    process.stop()


@pytest.fixture
def staff_token(transactional_db):
    user = User.objects.create_superuser("outage", "outage@example.com", "pw")
    return Token.objects.create(user=user).key


def _create_category(url: str, *, token: str, name: str):
    return http_call(
        "POST",
        f"{url}/api/categories",
        headers={"Authorization": f"Token {token}"},
        body={"name": name},
    )


@pytest.mark.django_db(transaction=True)
def test_write_api_answers_503_with_retry_after_while_postgresql_is_down(
    proxied_write_server, pg_proxy, staff_token
):
    pg_proxy.cut()

    status, headers, text = _create_category(
        proxied_write_server, token=staff_token, name="Cut"
    )

    assert status == 503, text
    assert headers["Retry-After"] == "5"
    assert json.loads(text)["error"]["code"] == "database_unavailable"


@pytest.mark.django_db(transaction=True)
def test_write_api_accepts_writes_again_after_postgresql_returns(
    proxied_write_server, pg_proxy, staff_token
):
    pg_proxy.cut()
    _create_category(proxied_write_server, token=staff_token, name="Refused")
    pg_proxy.restore()

    status, _, text = _create_category(
        proxied_write_server, token=staff_token, name="Accepted"
    )

    assert status == 201, text


@pytest.mark.django_db(transaction=True)
def test_admin_answers_503_html_with_retry_after_while_postgresql_is_down(
    proxied_write_server, pg_proxy
):
    pg_proxy.cut()

    # A well-formed session key, so the admin must ask PostgreSQL who this is.
    status, headers, text = http_call(
        "GET",
        f"{proxied_write_server}/admin/",
        headers={"Accept": "text/html", "Cookie": f"sessionid={'a' * 32}"},
    )

    assert status == 503, text
    assert headers["Retry-After"] == "5"
    assert "temporarily unavailable" in text


@pytest.mark.django_db(transaction=True)
def test_write_role_readyz_answers_503_while_postgresql_is_down(
    proxied_write_server, pg_proxy
):
    pg_proxy.cut()

    status, headers, text = http_call("GET", f"{proxied_write_server}/readyz")

    assert status == 503, text
    assert headers["Retry-After"] == "5"
    assert "Database" in text


def test_netproxy_cut_ends_a_query_waiting_for_its_answer(pg_proxy):
    """A cut must end the connection under a client that waits for an answer, as
    an unplugged server would (a query left hanging would hide real stalls)."""
    database = settings.DATABASES["default"]
    session = psycopg.connect(
        host="127.0.0.1",
        port=pg_proxy.port,
        user=database["USER"],
        password=database["PASSWORD"],
        dbname="postgres",
    )
    outcome: queue.Queue = queue.Queue()

    def wait_for_answer() -> None:
        try:
            session.execute("SELECT pg_sleep(30)")
            outcome.put("answered")
        except psycopg.OperationalError as error:
            outcome.put(type(error).__name__)

    threading.Thread(target=wait_for_answer, daemon=True).start()
    poll_until(lambda: len(pg_proxy.connections) == 2, timeout=10)
    pg_proxy.cut()

    try:
        assert outcome.get(timeout=10) == "OperationalError"
    finally:
        session.close()
