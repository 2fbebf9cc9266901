"""A form sent twice is saved once (issue 11, defect 8): the one-time token of every write form
(``core.submit_once``), tried on the writes the probe doubled (goal scorings, fall events) and
on the middleware's own cases. Lives in goals, the lowest app that sees all three writes."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from forlop.core.models import SubmittedForm
from forlop.core.submit_once import FIELD
from forlop.goals.models import Score, Scoring
from forlop.goals.tests.builders import add_goals
from forlop.pathways.models import PathwayEvent, StopPoint

pytestmark = pytest.mark.django_db


def token() -> str:
    return uuid.uuid4().hex


def scoring_data(goal, *, score: str = "4") -> dict[str, str]:
    today = timezone.localdate().isoformat()
    return {
        "kind": "baseline",
        "scored_on": today,
        "answered_by": "patient",
        f"score_{goal.pk}": score,
    }


def test_every_write_form_on_the_goals_page_carries_a_token(client, patient, nurse):
    add_goals(patient, nurse, ["Gå tur"])
    client.force_login(nurse)
    body = client.get(reverse("goals:page", args=[patient.pk])).content.decode()
    assert body.count('method="post"') >= 1
    assert body.count(f'name="{FIELD}"') >= body.count('method="post"')


def test_goal_scoring_sent_twice_is_saved_once_and_shows_the_first(client, patient, nurse):
    [goal] = add_goals(patient, nurse, ["Gå tur"])
    client.force_login(nurse)
    url = reverse("goals:scoring-record", args=[patient.pk])
    data = {**scoring_data(goal), FIELD: token()}
    first = client.post(url, data)
    assert first.status_code == 302
    second = client.post(url, data, follow=False)
    assert second.status_code == 303
    assert second["Location"] == first["Location"]
    assert (Scoring.objects.count(), Score.objects.count()) == (1, 1)
    page = client.get(second["Location"])
    assert "Dette var allerede lagret. Det ble ikke lagret to ganger." in page.content.decode()
    # twenty more retries change nothing either
    for _ in range(20):
        client.post(url, data)
    assert (Scoring.objects.count(), Score.objects.count()) == (1, 1)


def test_fall_event_sent_twice_makes_one_event_and_one_hph4(
    client, patient, district, nurse, start_hph
):
    pathway = start_hph(patient, district, nurse)
    client.force_login(nurse)
    url = reverse("pathways:event-record", args=[patient.pk])
    occurred = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    data = {"kind": "fall", "occurred_at": occurred, "note": "På badet", FIELD: token()}
    first = client.post(url, data)
    second = client.post(url, data)
    assert (first.status_code, second.status_code) == (302, 303)
    assert second["Location"] == first["Location"] == reverse("patients:detail", args=[patient.pk])
    assert PathwayEvent.objects.filter(kind="fall").count() == 1
    assert StopPoint.objects.filter(pathway=pathway, definition__code="HPH4").count() == 1


def test_refused_form_releases_its_token_for_the_corrected_one(client, patient, nurse):
    [goal] = add_goals(patient, nurse, ["Gå tur"])
    client.force_login(nurse)
    url = reverse("goals:scoring-record", args=[patient.pk])
    sent = token()
    bad = client.post(url, {**scoring_data(goal, score="11"), FIELD: sent})
    assert bad.status_code == 400
    assert Scoring.objects.count() == 0
    assert not SubmittedForm.objects.filter(token=sent).exists()
    good = client.post(url, {**scoring_data(goal), FIELD: sent})
    assert good.status_code == 302
    assert Scoring.objects.count() == 1


def test_a_second_send_while_the_first_is_saving_gets_a_conflict(client, patient, nurse):
    [goal] = add_goals(patient, nurse, ["Gå tur"])
    client.force_login(nurse)
    url = reverse("goals:scoring-record", args=[patient.pk])
    sent = token()
    # the first request has claimed the token and not answered yet
    SubmittedForm.objects.create(token=sent, user=nurse, path=url)
    response = client.post(url, {**scoring_data(goal), FIELD: sent})
    assert response.status_code == 409
    assert "Det første lagres fortsatt" in response.content.decode()
    assert Scoring.objects.count() == 0


def test_another_users_token_is_refused_not_replayed(
    client, patient, nurse, other_district, make_member
):
    [goal] = add_goals(patient, nurse, ["Gå tur"])
    url = reverse("goals:scoring-record", args=[patient.pk])
    sent = token()
    client.force_login(nurse)
    assert client.post(url, {**scoring_data(goal), FIELD: sent}).status_code == 302
    colleague = make_member(other_district, username="kollega")
    client.force_login(colleague)
    response = client.post(url, {**scoring_data(goal), FIELD: sent})
    assert response.status_code == 409
    assert "Location" not in response
    assert Scoring.objects.count() == 1


def test_htmx_duplicate_reloads_the_page_it_came_from(client, patient, nurse):
    [goal] = add_goals(patient, nurse, ["Gå tur"])
    client.force_login(nurse)
    url = reverse("goals:scoring-record", args=[patient.pk])
    data = {**scoring_data(goal), FIELD: token()}
    first = client.post(url, data)
    second = client.post(url, data, headers={"HX-Request": "true"})
    assert second.status_code == 200
    assert second["HX-Redirect"] == first["Location"]
    assert Scoring.objects.count() == 1


def test_the_live_search_is_answered_every_time(client, patient, nurse):
    client.force_login(nurse)
    data = {"q": patient.family_name, FIELD: token()}
    for _ in range(3):
        response = client.post(reverse("patients:search"), data)
        assert response.status_code == 200
        assert patient.full_name in response.content.decode()
    assert SubmittedForm.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_twenty_racing_sends_of_one_scoring_store_one(patient, nurse):
    """The probe's case: 20 identical goal scorings at once, on PostgreSQL where threads race."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("threads share one SQLite test database; the race is real on PostgreSQL")
    [goal] = add_goals(patient, nurse, ["Gå tur"])
    url = reverse("goals:scoring-record", args=[patient.pk])
    data = {**scoring_data(goal), FIELD: token()}
    statuses: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(20)

    def send() -> None:
        try:
            client = Client()
            client.force_login(nurse)
            start.wait(timeout=30)
            status = client.post(url, data).status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert (Scoring.objects.count(), Score.objects.count()) == (1, 1)
    assert statuses.count(302) == 1
    assert set(statuses) - {302} <= {303, 409}
    assert len(statuses) == 20


@pytest.mark.django_db
def test_the_worker_prunes_old_tokens_and_keeps_recent_ones(nurse):
    from forlop.core import periodic
    from forlop.core.submit_once import KEEP

    now = timezone.now()
    old = SubmittedForm.objects.create(token=uuid.uuid4().hex, user=nurse, path="/a/")
    recent = SubmittedForm.objects.create(token=uuid.uuid4().hex, user=nurse, path="/b/")
    SubmittedForm.objects.filter(pk=old.pk).update(created_at=now - KEEP - timezone.timedelta(1))
    job = next(job for job in periodic.jobs() if job.name == "submitted-forms-prune")
    assert job.every_seconds == 3600
    assert job.run(now, "w1") == 1
    assert list(SubmittedForm.objects.values_list("pk", flat=True)) == [recent.pk]
