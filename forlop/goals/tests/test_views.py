"""Staff pages through the client: the goals page, adding, scoring, changing, printing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forlop.core.models import AuditEvent, AuditVerb
from forlop.goals.models import Goal, GoalChange, PatientProposal, Score, Scoring
from forlop.goals.tests.builders import add_goals
from forlop.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int]:
    return Goal.objects.count(), Scoring.objects.count(), Score.objects.count()


def test_goals_page_ladder(
    client, patient, other_patient, nurse, seed_goals, make_member, other_district
):
    url = reverse("goals:page", args=[patient.pk])
    # anonymous: to the login page
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    # a nurse in another district: not found, and only the refusal is logged (ASVS 7.2.2)
    stranger = make_member(other_district, username="stranger")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert list(
        AuditEvent.objects.filter(actor=stranger, patient_id=patient.pk).values_list(
            "verb", flat=True
        )
    ) == [AuditVerb.ACCESS_REFUSED]
    # the patient's own nurse: the page, audited as a goals view
    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for goal in seed_goals:
        assert goal.text in body
    assert 'data-testid="baseline-average">4,3<' in body
    assert 'data-testid="latest-average">8,3<' in body
    assert 'data-testid="change">+4,0<' in body
    assert "<svg" in body
    assert 'role="img"' in body
    assert (
        AuditEvent.objects.filter(
            actor=nurse, verb=AuditVerb.GOALS_VIEWED, patient_id=patient.pk
        ).count()
        == 1
    )
    # and not the other municipality's patient
    assert client.get(reverse("goals:page", args=[other_patient.pk])).status_code == 404


def test_add_goal_and_score(client, patient, nurse):
    client.force_login(nurse)
    response = client.post(
        reverse("goals:goal-add", args=[patient.pk]),
        {"text": "klare trappene", "answered_by": "staff_interview"},
    )
    assert response.status_code == 302
    goal = Goal.objects.get(patient=patient)
    assert goal.answered_by == "staff_interview"
    response = client.post(
        reverse("goals:scoring-record", args=[patient.pk]),
        {
            "kind": "baseline",
            "scored_on": "2026-10-01",
            "answered_by": "patient",
            f"score_{goal.pk}": "4",
        },
    )
    assert response.status_code == 302
    assert Score.objects.get(goal=goal).value == 4


def test_bad_input_through_the_page_saves_nothing(client, patient, nurse):
    client.force_login(nurse)
    goals = add_goals(patient, nurse, ["1", "2", "3", "4", "5"])
    before = _counts()
    # a sixth goal
    response = client.post(
        reverse("goals:goal-add", args=[patient.pk]), {"text": "6", "answered_by": "patient"}
    )
    assert response.status_code == 400
    assert "Du kan ha høyst 5 mål." in response.content.decode()
    # an empty goal text
    response = client.post(
        reverse("goals:goal-add", args=[patient.pk]), {"text": "  ", "answered_by": "patient"}
    )
    assert response.status_code == 400
    # a score of 11 (not a choice)
    url = reverse("goals:scoring-record", args=[patient.pk])
    data = {"kind": "baseline", "scored_on": "2026-10-01", "answered_by": "patient"}
    response = client.post(url, {**data, f"score_{goals[0].pk}": "11"})
    assert response.status_code == 400
    # a follow-up before any baseline
    response = client.post(url, {**data, "kind": "follow_up", f"score_{goals[0].pk}": "5"})
    assert response.status_code == 400
    assert "Registrer utgangspunktet før en oppfølging." in response.content.decode()
    # a follow-up dated before the baseline
    assert client.post(url, {**data, f"score_{goals[0].pk}": "5"}).status_code == 302
    after_baseline = _counts()
    response = client.post(
        url, {**data, "kind": "follow_up", "scored_on": "2026-09-30", f"score_{goals[0].pk}": "7"}
    )
    assert response.status_code == 400
    assert (
        "Oppfølgingsskåringen må være senere enn skåringen ved utgangspunktet."
        in response.content.decode()
    )
    assert before[0] == after_baseline[0] == 5
    assert _counts() == after_baseline


def test_edit_goal_keeps_history(client, patient, nurse):
    client.force_login(nurse)
    goal = add_goals(patient, nurse, ["komme hjem"])[0]
    url = reverse("goals:goal-edit", args=[patient.pk, goal.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"text": "komme hjem til jul", "status": "reached", "note": ""})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.text, goal.status) == ("komme hjem til jul", "reached")
    assert GoalChange.objects.filter(goal=goal).count() == 2
    page = client.get(reverse("goals:page", args=[patient.pk])).content.decode()
    assert "«komme hjem» → «komme hjem til jul»" in page


def test_edit_goal_of_another_patient_is_404(client, patient, other_patient, nurse, other_nurse):
    client.force_login(nurse)
    theirs = add_goals(other_patient, other_nurse, ["x"])[0]
    response = client.post(
        reverse("goals:goal-edit", args=[patient.pk, theirs.pk]), {"text": "y", "status": "active"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.text == "x"


def test_staff_sees_and_marks_proposals(client, patient, nurse, portal_user):
    proposal = PatientProposal.objects.create(
        patient=patient, author=portal_user, kind="goal", text="gå til butikken"
    )
    client.force_login(nurse)
    page = client.get(reverse("goals:page", args=[patient.pk])).content.decode()
    assert "gå til butikken" in page
    response = client.post(reverse("goals:proposal-seen", args=[patient.pk, proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.seen_by == nurse


def test_print_page(client, patient, nurse, seed_goals):
    client.force_login(nurse)
    response = client.get(reverse("goals:print", args=[patient.pk]))
    assert response.status_code == 200
    assert "<svg" in response.content.decode()
    assert AuditEvent.objects.filter(verb=AuditVerb.SUMMARY_PRINTED, actor=nurse).count() == 1


def test_header_partial_renders_goals_and_nothing_without(
    patient, nurse, seed_goals, other_patient
):
    from django.template import engines

    page = engines["django"].from_string(
        '{% load pathways_tags %}<main>{% patient_panels "patient" p %}</main>'
    )
    html = page.render({"p": patient})
    assert "komme meg hjem" in html
    assert 'data-testid="goals-header-average">8,3<' in html
    # no goals, no header: nothing at all, no placeholder
    assert page.render({"p": other_patient}) == "<main></main>"


def test_no_inline_styles_or_scripts(client, patient, nurse, seed_goals):
    client.force_login(nurse)
    response = client.get(reverse("goals:page", args=[patient.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert all(goal.text in body for goal in seed_goals)
    assert "style=" not in body
    assert "hx-on" not in body
    assert "<script>" not in body
    assert PortalAccount.objects.count() == 0
