"""Real Chromium: a nurse records three goals, a baseline and a follow-up and sees the change;
the patient logs in and sees the same goals and nothing about anyone else."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forlop.core.tests.factories import UserFactory
from forlop.goals.models import Goal, Score
from forlop.goals.tests.builders import SEED_BASELINE, SEED_FOLLOW_UP, SEED_GOALS, add_goals
from forlop.portal.models import PortalAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form[action='/login/'] button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def score(page: Page, goals: list[Goal], kind: str, day: str, values: list[int]) -> None:
    form = page.locator("#scoring-form")
    form.locator("#id_kind").select_option(kind)
    form.locator("#id_scored_on").fill(day)
    for goal, value in zip(goals, values, strict=True):
        form.locator(f"label[for=id_score_{goal.pk}_{value}]").click()
        expect(form.locator(f"#id_score_{goal.pk}_{value}")).to_be_checked()
    form.get_by_test_id("scoring-submit").click()


def test_nurse_records_goals_and_patient_sees_them(
    live_server, page: Page, nurse, patient, other_patient, other_nurse
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    add_goals(other_patient, other_nurse, ["Olavs hemmelige mål"])
    portal_user = UserFactory(username="astrid", first_name="Astrid", last_name="Testesen")
    PortalAccount.objects.create(user=portal_user, patient=patient)

    # given the nurse on the patient's goals page
    log_in(page, live_server.url, "nurse")
    page.goto(f"{live_server.url}/goals/patient/{patient.pk}/")
    # when she adds three goals in the patient's own words
    for text in SEED_GOALS:
        page.locator("#goal-add-form #id_text").fill(text)
        page.get_by_test_id("goal-add-submit").click()
        expect(page.locator("#goals-table")).to_contain_text(text)
    goals = list(Goal.objects.filter(patient=patient).order_by("pk"))
    assert [g.text for g in goals] == SEED_GOALS
    # and records the baseline and a follow-up, one tap per score
    score(page, goals, "baseline", "2026-10-01", SEED_BASELINE)
    expect(page.get_by_test_id("baseline-average")).to_have_text("4,3")
    score(page, goals, "follow_up", "2026-10-29", SEED_FOLLOW_UP)
    # then the summary and the chart show the change
    expect(page.get_by_test_id("latest-average")).to_have_text("8,3")
    expect(page.get_by_test_id("change")).to_have_text("+4,0")
    expect(page.locator("svg#goals-chart")).to_be_visible()
    expect(page.locator("#goals-scores-table tfoot")).to_contain_text("4,3")
    expect(page.locator("#goals-scores-table tfoot")).to_contain_text("8,3")
    assert Score.objects.filter(scoring__patient=patient).count() == 6
    page.locator("form[action='/logout/'] button").click()

    # when the patient logs in
    log_in(page, live_server.url, "astrid")
    page.goto(f"{live_server.url}/my/")
    # then she sees the same goals, the chart and who has looked, and nobody else's data
    goal_list = page.locator("#my-goals")
    for text in SEED_GOALS:
        expect(goal_list).to_contain_text(text)
    expect(page.locator("svg#my-goals-chart")).to_be_visible()
    expect(page.locator("#my-access-log")).to_contain_text("Nina Nord")
    expect(page.locator("body")).not_to_contain_text("Olav")
    assert errors == [], errors  # no CSP violations, no script errors
    # and another patient's goals page is not found
    response = page.goto(f"{live_server.url}/goals/patient/{other_patient.pk}/")
    assert response is not None
    assert response.status == 404
