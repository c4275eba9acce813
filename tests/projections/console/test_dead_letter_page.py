"""A dead letter's page: what failed and what it holds back; retry or skip with a reason."""

from django.contrib.admin.models import LogEntry
from django.test import Client

from projections.models import DeadLetter, DeadLetterStatus


def page_url(letter: DeadLetter) -> str:
    return f"/admin/projections/deadletter/{letter.pk}/change/"


def resolve_url(letter: DeadLetter) -> str:
    return f"/admin/projections/deadletter/{letter.pk}/resolve/"


def reloaded(letter: DeadLetter) -> DeadLetter:
    return DeadLetter.objects.get(pk=letter.pk)


def test_dead_letter_page_shows_error_payload_aggregate_and_held_back_events(
    poisoned, operator_client
):
    page = operator_client.get(page_url(poisoned.first)).content.decode()

    assert "cannot fold a product called Poison" in page
    assert f"product {poisoned.product_id} version 1" in page
    assert "&quot;name&quot;: &quot;Poison&quot;" in page
    held_back = page.split('id="dead-letter-held-back"')[1].split("</div></div>")[0]
    assert f"#{poisoned.held_back.pk}</a>" in held_back
    assert "ProductUpdated version 2" in held_back
    assert 'id="dead-letter-retry"' in page


def test_dead_letter_retry_with_a_reason_applies_it_and_logs_the_reason(
    poisoned, operator_client
):
    response = operator_client.post(
        resolve_url(poisoned.first),
        {"action": "retry", "reason": "product renamed, fold works now"},
    )

    letter = reloaded(poisoned.first)
    assert response.status_code == 302
    assert letter.status == DeadLetterStatus.RESOLVED
    assert (letter.operator_reason, letter.operator) == (
        "product renamed, fold works now",
        "olga",
    )
    assert reloaded(poisoned.held_back).status == DeadLetterStatus.PARKED
    entry = LogEntry.objects.get()
    assert entry.object_id == str(letter.pk)
    assert entry.change_message == (
        f"Ops console: Dead letter {letter.pk} applied and resolved "
        "(product renamed, fold works now)."
    )


def test_dead_letter_skip_stores_the_reason_and_shows_it(poisoned, operator_client):
    operator_client.post(
        resolve_url(poisoned.first),
        {"action": "skip", "reason": "test product, never to be sold"},
    )
    page = operator_client.get(page_url(poisoned.first)).content.decode()

    letter = reloaded(poisoned.first)
    assert letter.status == DeadLetterStatus.SKIPPED
    assert "test product, never to be sold (olga)" in page
    assert 'id="dead-letter-retry"' not in page
    assert "Ops console: Skipped dead letter" in LogEntry.objects.get().change_message


def test_dead_letter_skip_lets_the_events_behind_it_be_retried(
    poisoned, operator_client
):
    operator_client.post(
        resolve_url(poisoned.first), {"action": "skip", "reason": "superseded"}
    )
    operator_client.post(
        resolve_url(poisoned.held_back), {"action": "retry", "reason": "unblocked"}
    )

    assert reloaded(poisoned.held_back).status == DeadLetterStatus.RESOLVED


def test_dead_letter_retry_behind_a_parked_letter_is_refused(poisoned, operator_client):
    operator_client.post(
        resolve_url(poisoned.held_back), {"action": "retry", "reason": "try it"}
    )

    assert reloaded(poisoned.held_back).status == DeadLetterStatus.PARKED
    assert LogEntry.objects.get().change_message == (
        f"Ops console: Dead letter {poisoned.held_back.pk} waits behind an earlier "
        "parked event of its aggregate: retry that one first (try it)."
    )


def test_dead_letter_resolve_without_a_reason_changes_nothing(
    poisoned, operator_client
):
    response = operator_client.post(
        resolve_url(poisoned.first), {"action": "skip", "reason": "  "}
    )

    assert response.status_code == 302
    assert reloaded(poisoned.first).status == DeadLetterStatus.PARKED
    assert not LogEntry.objects.exists()


def test_dead_letter_page_is_read_only_for_staff_outside_the_operators_group(
    poisoned, viewer_client: Client
):
    page = viewer_client.get(page_url(poisoned.first))
    refused = viewer_client.post(
        resolve_url(poisoned.first), {"action": "skip", "reason": "not mine to skip"}
    )

    assert page.status_code == 200
    assert 'id="dead-letter-retry"' not in page.content.decode()
    assert refused.status_code == 403
    assert reloaded(poisoned.first).status == DeadLetterStatus.PARKED


def test_dead_letter_resolve_refuses_get(poisoned, operator_client):
    assert operator_client.get(resolve_url(poisoned.first)).status_code == 405
