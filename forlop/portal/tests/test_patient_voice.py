"""The patient's voice surfaces: a goal suggested on /my/ shows on the nurse's work list and
the patient overview and becomes a goal in one step; "What happens next" shows what is next."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from forlop.core.tz import OSLO
from forlop.goals.models import Goal, PatientProposal

pytestmark = pytest.mark.django_db


def test_a_goal_suggested_by_the_patient_reaches_the_nurse_and_becomes_a_goal(
    client, patient, nurse, district, portal_user, start_hph
):
    # given a patient on a pathway, with no goals yet, who suggests one from /my/
    start_hph(patient, district, nurse, days_ago=5)
    client.force_login(portal_user)
    response = client.post(reverse("portal:home"), {"kind": "goal", "text": "Gå til butikken selv"})
    assert response.status_code == 302
    proposal = PatientProposal.objects.get()
    # when the nurse opens her work list and the patient overview
    client.force_login(nurse)
    worklist = client.get(reverse("pathways:worklist")).content.decode()
    overview = client.get(
        reverse("pathways:patient-pathways", args=[patient.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    # then both show the suggested goal in the patient's words, with a one-step "make it a goal"
    accept = reverse("goals:proposal-accept", args=[patient.pk, proposal.pk])
    for html in (worklist, overview):
        assert "Gå til butikken selv" in html
        assert f'action="{accept}"' in html
    # when she makes it a goal
    response = client.post(accept, {"next": reverse("pathways:worklist")})
    # then the patient has the goal in their own words and the suggestion is seen
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:worklist")
    goal = Goal.objects.get(patient=patient)
    assert (goal.text, goal.answered_by) == ("Gå til butikken selv", "patient")
    proposal.refresh_from_db()
    assert proposal.seen_by == nurse
    after = client.get(reverse("pathways:worklist")).content.decode()
    assert 'data-testid="patient-proposal"' not in after
    assert "<li>Gå til butikken selv</li>" in after  # now one of the goals on the card


def test_what_happens_next_shows_what_is_next_not_past_dates(
    client, patient, nurse, district, portal_user, start_hph
):
    # given HPH2 overdue since 13 November and HPH3 due on 24 November
    now = datetime(2026, 11, 20, 10, 0, tzinfo=OSLO)
    with time_machine.travel(now, tick=False):
        start_hph(patient, district, nurse, at=datetime(2026, 11, 10, 10, 0, tzinfo=OSLO))
        client.force_login(portal_user)
        html = client.get(reverse("portal:home")).content.decode()
    steps = re.search(r'<ul class="plain-list" id="next-steps">(.*?)</ul>', html, re.DOTALL).group(
        1
    )
    # then no date before today is shown, and the next dates are
    dates = re.findall(r"\d\d\.\d\d\.\d{4}", steps)
    assert dates
    assert all(date(*map(int, reversed(d.split(".")))) >= now.date() for d in dates)
    assert "24.11.2026" in steps
    assert "Strukturert oppfølging av sykepleier" in steps  # overdue: still next, without a date
