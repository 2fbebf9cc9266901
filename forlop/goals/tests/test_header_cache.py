"""The goals headers' cache (``selectors.goals_headers_for``): keyed by the patient's
``panel_version``, which every change to what a header shows raises (``goals.signals``), so a
cached header is never shown after the change. The work list reads its headers from it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forlop.goals import plugins, selectors, services
from forlop.goals.models import Goal, PatientProposal, Scoring
from forlop.goals.tests.builders import FOLLOW_UP_AT, record
from forlop.patients.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway(start_hph, patient, district, nurse):
    """A running pathway, so the patient's stop points are on the nurse's work list."""
    return start_hph(patient, district, nurse)


def fresh(patient: Patient) -> Patient:
    """The patient as a page reads it: the row as it is now."""
    return Patient.objects.get(pk=patient.pk)


def headers(patient: Patient) -> selectors.GoalsHeader | None:
    return selectors.goals_headers_for([fresh(patient)]).get(patient.pk)


def test_second_read_is_cached_and_the_same(patient, seed_goals):
    first = headers(patient)
    reread = fresh(patient)
    with CaptureQueriesContext(connection) as queries:
        second = selectors.goals_headers_for([reread])[patient.pk]
    assert len(queries) == 0
    assert second == first
    assert [goal.text for goal in second.goals] == [goal.text for goal in seed_goals]
    assert second.latest_average == Decimal("8.3")
    assert second.cache_key is not None


def test_no_header_is_cached_too(patient):
    assert headers(patient) is None
    reread = fresh(patient)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.goals_headers_for([reread]) == {}
    assert len(queries) == 0


def test_patient_read_without_the_version_is_loaded_not_cached(patient, seed_goals):
    partial = Patient.objects.only("given_name").get(pk=patient.pk)
    with CaptureQueriesContext(connection) as queries:
        header = selectors.goals_headers_for([partial])[patient.pk]
    # The header's three queries, and none to read the deferred columns.
    assert len(queries) == 3
    assert header.cache_key is None
    assert "panel_version" in partial.get_deferred_fields()


@pytest.mark.parametrize(
    "change",
    [
        "goal_add",
        "goal_update",
        "goal_status_change",
        "scoring_record",
        "proposal_create",
        "proposal_mark_seen",
        "proposal_accept",
    ],
)
def test_every_change_is_seen_at_once(change, patient, nurse, portal_user, seed_goals):
    proposal = services.proposal_create(
        patient_id=patient.pk, author=portal_user, kind=PatientProposal.Kind.GOAL, text="Bake"
    )
    before = headers(patient)
    assert before is not None
    version = fresh(patient).panel_version
    goal = seed_goals[0]
    if change == "goal_add":
        services.goal_add(patient=patient, actor=nurse, text="Ny")
    elif change == "goal_update":
        services.goal_update(goal=goal, actor=nurse, text="Endret")
    elif change == "goal_status_change":
        services.goal_status_change(goal=goal, actor=nurse, status=Goal.Status.REACHED)
    elif change == "scoring_record":
        later = FOLLOW_UP_AT + timedelta(days=1)
        record(patient, nurse, Scoring.Kind.FOLLOW_UP, seed_goals, [0, 0, 0], later)
    elif change == "proposal_create":
        services.proposal_create(
            patient_id=patient.pk, author=portal_user, kind=PatientProposal.Kind.COMMENT, text="Hei"
        )
    elif change == "proposal_mark_seen":
        services.proposal_mark_seen(proposal=proposal, actor=nurse)
    else:
        services.proposal_accept(proposal=proposal, actor=nurse)
    assert fresh(patient).panel_version > version
    after = headers(patient)
    uncached = selectors.goals_headers(patient_ids=[patient.pk])[patient.pk]
    assert after is not None
    assert (after.goals, after.latest_average, after.proposals) == (
        uncached.goals,
        uncached.latest_average,
        uncached.proposals,
    )
    assert (after.goals, after.latest_average, after.proposals) != (
        before.goals,
        before.latest_average,
        before.proposals,
    )


def test_saving_an_old_patient_row_does_not_bring_back_the_old_version(patient, nurse, seed_goals):
    # A form read the patient before a goal was added, and saves it after.
    read_before = fresh(patient)
    headers(patient)
    services.goal_add(patient=patient, actor=nurse, text="Ny")
    read_before.phone = "12345678"
    read_before.save()
    assert fresh(patient).phone == "12345678"
    assert fresh(patient).panel_version > read_before.panel_version
    assert "Ny" in [goal.text for goal in headers(patient).goals]


def test_header_html_is_kept_only_without_suggestions(patient, portal_user, seed_goals):
    header = headers(patient)
    assert plugins._header_html_key(header) == header.cache_key
    services.proposal_create(
        patient_id=patient.pk, author=portal_user, kind=PatientProposal.Kind.GOAL, text="Bake"
    )
    with_proposal = headers(patient)
    # Its buttons are forms with the viewer's CSRF token: rendered for each response.
    assert with_proposal.proposals
    assert plugins._header_html_key(with_proposal) is None


def test_work_list_shows_a_changed_goal_at_once(client, nurse, patient, seed_goals, pathway):
    client.force_login(nurse)
    url = reverse("pathways:worklist")
    page = client.get(url).content.decode()
    assert seed_goals[0].text in page
    assert any(key.startswith(":1:panel-html:") for key in caches["panels"]._cache)  # type: ignore[attr-defined]
    services.goal_update(goal=seed_goals[0], actor=nurse, text="Gå til postkassen")
    page = client.get(url).content.decode()
    assert "Gå til postkassen" in page
    assert seed_goals[0].text not in page


def test_work_list_header_with_a_suggestion_is_not_kept_as_html(
    client, nurse, patient, portal_user, seed_goals, pathway
):
    services.proposal_create(
        patient_id=patient.pk, author=portal_user, kind=PatientProposal.Kind.GOAL, text="Bake"
    )
    client.force_login(nurse)
    page = client.get(reverse("pathways:worklist")).content.decode()
    assert "Bake" in page
    assert 'name="csrfmiddlewaretoken"' in page
    kept = [key for key in caches["panels"]._cache if ":panel-html:" in key]  # type: ignore[attr-defined]
    assert kept == []
