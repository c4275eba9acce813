"""Prometheus metrics: every gunicorn worker counted, served apart from the APIs."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from projections.ops import metrics_server
from tests.processes import (
    http_call,
    http_get,
    poll_until,
    start_metrics_server,
    start_web,
)

# The metrics server reads the test database (created only when a test asks for one).
pytestmark = pytest.mark.usefixtures("transactional_db")

REQUESTS_METRIC = "django_http_requests_total_by_view_transport_method"
# Not /healthz: the start-up poll's timed-out tries are answered (and counted) late.
VIEW = "readapi:stock-detail"


@pytest.fixture(scope="module")
def metrics_stack(
    django_db_setup, django_db_blocker, project_env, process_log_dir, tmp_path_factory
):
    """A read server with two gunicorn workers and the metrics server beside it."""
    folder = tmp_path_factory.mktemp("metrics")
    with django_db_blocker.unblock():
        database = connection.settings_dict["NAME"]
    env = dict(
        project_env,
        PGDATABASE=database,
        CQRS_METRICS_DIR=str(folder),
        PROMETHEUS_MULTIPROC_DIR=str(folder / "read"),
    )
    read, read_url = start_web(role="read", env=env, log_dir=process_log_dir, workers=2)
    metrics, metrics_url = start_metrics_server(env=env, log_dir=process_log_dir)
    yield read_url, metrics_url, folder / "read"
    metrics.stop()
    read.stop()


def view_count_by_worker(folder: Path) -> dict[str, float]:
    """Requests to VIEW each worker counted, from its own metrics file."""
    counts = {}
    for path in folder.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(path)], accumulate=True):
            counts[path.name] = counts.get(path.name, 0.0) + sum(
                s.value
                for s in metric.samples
                if s.name == f"{REQUESTS_METRIC}_total" and s.labels["view"] == VIEW
            )
    return {name: value for name, value in counts.items() if value}


def scraped_view_total(metrics_url: str) -> float:
    status, text = http_get(f"{metrics_url}/metrics", raw=True)
    assert status == 200
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == REQUESTS_METRIC
        for sample in family.samples
        if sample.labels.get("view") == VIEW and sample.labels["role"] == "read"
    )


def test_metrics_server_counts_requests_of_every_gunicorn_worker(metrics_stack):
    read_url, metrics_url, folder = metrics_stack
    sent = 0

    def burst() -> dict[str, float]:
        nonlocal sent
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(
                pool.map(
                    lambda _: http_call("GET", f"{read_url}/v1/stock/1"), range(16)
                )
            )
        sent += 16
        return view_count_by_worker(folder)

    before = scraped_view_total(metrics_url)

    poll_until(lambda: len(burst()) == 2, timeout=30)

    assert len(view_count_by_worker(folder)) == 2
    assert scraped_view_total(metrics_url) - before == sent


def test_metrics_server_serves_projection_lag_and_outbox_figures(metrics_stack):
    _, metrics_url, _ = metrics_stack

    status, text = http_get(f"{metrics_url}/metrics", raw=True)

    names = {family.name for family in text_string_to_metric_families(text)}
    assert status == 200
    assert {
        "cqrs_outbox_rows",
        "cqrs_outbox_oldest_unprojected_seconds",
        "cqrs_workers_alive",
        "cqrs_metrics_database_up",
    } <= names


def test_metrics_server_answers_404_off_its_path(metrics_stack):
    _, metrics_url, _ = metrics_stack

    status, _, _ = http_call("GET", f"{metrics_url}/v1/products")

    assert status == 404


def test_metrics_app_refuses_a_scrape_without_the_token(tmp_path):
    app = metrics_server.metrics_app(root=tmp_path, token="s3cret")
    statuses = []

    body = app(
        {"PATH_INFO": "/metrics", "HTTP_AUTHORIZATION": "Api-Key s3cret"},
        lambda status, headers: statuses.append(status),
    )

    assert statuses == ["401 Unauthorized"]
    assert body == [b"bearer token needed\n"]
