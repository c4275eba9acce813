"""The ops console: what it shows, who may act, and what each action does."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client

from commands.handlers.product import product_update
from commands.models import OutboxEvent
from projections import registry
from projections.models import (
    DeadLetter,
    DeadLetterStatus,
    GenerationState,
    ProjectionGeneration,
    SegmentCheckpoint,
)
from projections.ops.console_admin import OPERATORS_GROUP
from projections.rebuilds.actors import QUEUE
from projections.rebuilds.models import RebuildKind, RebuildRun, RebuildState
from projections.rebuilds.rebuild import RebuildOptions, rebuild_projection
from tests.projections.console.conftest import (
    CONSOLE_URL,
    OPERATOR_CODENAMES,
    action_url,
)
from tests.projections.draining import drain


def rows(client: Client) -> dict[str, dict]:
    response = client.get(CONSOLE_URL, {"format": "json"})
    assert response.status_code == 200
    return {row["projection"]: row for row in response.json()["projections"]}


def handled_events(projection: str) -> int:
    types = registry.get(projection).aggregate_types
    return OutboxEvent.objects.filter(aggregate_type__in=types).count()


def parked_letters() -> int:
    return DeadLetter.objects.filter(status=DeadLetterStatus.PARKED).count()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def logged(fragment: str) -> list[LogEntry]:
    return [e for e in LogEntry.objects.all() if fragment in e.change_message]


@pytest.mark.django_db
def test_operators_group_is_created_with_the_operate_permission():
    group = Group.objects.get(name=OPERATORS_GROUP)

    assert sorted(group.permissions.values_list("codename", flat=True)) == (
        OPERATOR_CODENAMES
    )


@pytest.mark.django_db
def test_admin_index_links_the_console(admin_client):
    page = admin_client.get("/admin/").content.decode()

    assert f'href="{CONSOLE_URL}"' in page


def test_console_shows_lag_then_applied_events_and_throughput(catalog, admin_client):
    product_update(product_id=catalog.product_ids[0], name="Renamed spade")
    waiting = rows(admin_client)["products"]
    drain()
    caught_up = rows(admin_client)

    assert waiting["lag_events"] == "1"
    assert caught_up["products"]["lag_events"] == "0"
    assert caught_up["products"]["state"] == "idle"
    assert caught_up["products"]["generation"] == "1"
    assert caught_up["products"]["throughput"] == (
        f"{handled_events('products')} in the last hour"
    )
    assert caught_up["stock"]["throughput"] == (
        f"{handled_events('stock')} in the last hour"
    )
    assert "UTC" in caught_up["products"]["last_applied"]
    assert caught_up["products"]["rebuild"] is None
    assert set(caught_up) == set(registry.names())


def test_console_counts_dead_letters_and_links_them(poisoned, admin_client):
    row = rows(admin_client)["products"]
    page = admin_client.get(row["dead_letters_url"]).content.decode()

    assert row["dead_letters"] == parked_letters() > 0
    assert row["dead_letters_url"].endswith(
        "?projection__exact=products&status__exact=parked"
    )
    assert f"/admin/projections/deadletter/{poisoned.first.pk}/change/" in page


def test_console_is_read_only_for_staff_outside_the_operators_group(
    catalog, viewer_client
):
    page = viewer_client.get(CONSOLE_URL)
    confirm = viewer_client.get(action_url("products", "pause"))
    post = viewer_client.post(action_url("products", "pause"))

    assert page.status_code == 200
    assert "data-action=" not in page.content.decode()
    assert "Read-only" in page.content.decode()
    assert (confirm.status_code, post.status_code) == (403, 403)
    assert not SegmentCheckpoint.objects.filter(paused=True).exists()
    assert not LogEntry.objects.exists()


def test_console_action_without_csrf_token_is_refused(catalog, operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)

    response = client.post(action_url("products", "pause"))

    assert response.status_code == 403
    assert not SegmentCheckpoint.objects.filter(paused=True).exists()


def test_console_unknown_action_or_projection_is_a_404(catalog, operator_client):
    assert operator_client.get(action_url("products", "explode")).status_code == 404
    assert operator_client.get(action_url("nope", "pause")).status_code == 404


def test_console_pause_asks_first_then_pauses_and_logs(catalog, operator_client):
    confirm = operator_client.get(action_url("products", "pause"))
    untouched = SegmentCheckpoint.objects.filter(paused=True).count()
    response = operator_client.post(action_url("products", "pause"))

    assert confirm.status_code == 200
    assert 'value="Yes, pause products"' in confirm.content.decode()
    assert untouched == 0
    assert response.status_code == 302
    assert set(
        SegmentCheckpoint.objects.filter(
            projection="products", generation="1"
        ).values_list("paused", flat=True)
    ) == {True}
    assert rows(operator_client)["products"]["state"] == "paused"
    entry = LogEntry.objects.get()
    assert entry.user.username == "olga"
    assert entry.object_repr == "products generation 1 (live)"
    assert entry.change_message.startswith("Ops console: Pause: Paused products")


def test_console_resume_lets_a_paused_projection_run_again(catalog, operator_client):
    operator_client.post(action_url("products", "pause"))
    product_update(product_id=catalog.product_ids[0], name="Held back")
    drain_blocked = rows(operator_client)["products"]["lag_events"]

    operator_client.post(action_url("products", "resume"))
    drain(names=["products"])

    assert drain_blocked == "1"
    assert not SegmentCheckpoint.objects.filter(paused=True).exists()
    assert rows(operator_client)["products"]["lag_events"] == "0"
    assert len(logged("Ops console: Resume: Resumed products")) == 1


def test_console_rebuild_queues_a_run_that_reaches_100_percent(
    catalog, operator_client, worker
):
    response = operator_client.post(action_url("products", "rebuild"))
    worker.join(QUEUE, timeout=60_000)

    run = RebuildRun.objects.get()
    assert response.status_code == 302
    assert (run.state, run.requested_by, run.generation) == (
        RebuildState.SUCCEEDED,
        "olga",
        "2",
    )
    rebuild = rows(operator_client)["products"]["rebuild"]
    assert rebuild["percent"] == 100.0
    assert "30 / 30 rows, 100%" in rebuild["label"]
    assert rows(operator_client)["products"]["generation"] == "2"
    assert len(logged("Ops console: Rebuild: Rebuild of products queued")) == 1


def test_console_refuses_a_second_rebuild_while_one_is_queued(catalog, operator_client):
    operator_client.post(action_url("products", "rebuild"))
    second = operator_client.post(action_url("products", "rebuild"))

    assert RebuildRun.objects.count() == 1
    assert messages_of(second)[-1] == (
        "A rebuild or rollback of products is already under way."
    )


def test_console_rollback_swaps_back_to_the_retired_generation(
    catalog, operator_client, worker
):
    rebuild_projection(projection="stock", options=RebuildOptions(batch_size=50))

    operator_client.post(action_url("stock", "rollback"))
    worker.join(QUEUE, timeout=60_000)

    live = ProjectionGeneration.objects.get(
        projection="stock", state=GenerationState.LIVE
    )
    assert live.generation == "1"
    rollback = RebuildRun.objects.get(kind=RebuildKind.ROLLBACK)
    assert rollback.state == RebuildState.SUCCEEDED
    assert len(logged("Ops console: Roll back: Rollback queued")) == 1


def test_console_rollback_without_a_retired_generation_says_why(
    catalog, operator_client
):
    response = operator_client.post(action_url("stock", "rollback"))

    assert not RebuildRun.objects.exists()
    assert "no retired generation" in messages_of(response)[0].lower()
    assert len(logged("Ops console: Roll back:")) == 1


def test_console_verify_reports_no_drift(catalog, operator_client):
    response = operator_client.post(action_url("products", "verify"))

    (message,) = messages_of(response)
    assert message.startswith("Verified products:")
    assert message.endswith("no drift.")
    assert len(logged("Ops console: Verify (sample): Verified products")) == 1


def test_console_replay_resolves_the_dead_letters_that_now_apply(
    poisoned, operator_client
):
    parked = parked_letters()
    response = operator_client.post(action_url("products", "replay"))

    (message,) = messages_of(response)
    assert message == (
        f"Replayed the dead letters of products: resolved {parked}, still "
        "failing 0, left behind them 0."
    )
    assert set(type(poisoned.first).objects.values_list("status", flat=True)) == {
        DeadLetterStatus.RESOLVED
    }
    assert rows(operator_client)["products"]["dead_letters"] == 0
