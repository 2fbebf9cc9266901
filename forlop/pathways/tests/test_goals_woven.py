"""'Hva er viktig for deg?' woven into the pathway: the what-matters item opens the
goals page with its stop point and is answered by the scoring; the goals head the checklist and
the chain; the GP summary (HPH3) and the admission report (HPH6) carry them.

Pages are read in Norwegian, as users see them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forlop.core.models import AuditEvent, AuditVerb, Role
from forlop.core.tests.factories import UserFactory
from forlop.goals import services as goal_services
from forlop.goals.models import Scoring
from forlop.pathways import services
from forlop.pathways.models import ChecklistAnswer, EventKindChoices, Pathway, StopPoint
from forlop.patients.models import NextOfKin
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db

GOALS = ["Gå tur med hunden", "Klare trappen selv"]


def stop(pathway: Pathway, code: str) -> StopPoint:
    return pathway.stop_points.get(definition__code=code)


@pytest.fixture
def goals(patient, nurse):
    return [goal_services.goal_add(patient=patient, actor=nurse, text=t) for t in GOALS]


def goals_url(patient, stop_point=None) -> str:
    url = reverse("goals:page", args=[patient.pk])
    return f"{url}?stop_point={stop_point.pk}" if stop_point is not None else url


def score(client, patient, goals, *, kind, values, stop_point=None, day=None):
    data = {
        "kind": kind,
        "scored_on": (day or timezone.localdate()).isoformat(),
        "answered_by": "patient",
        **{f"score_{g.pk}": v for g, v in zip(goals, values, strict=True)},
    }
    if stop_point is not None:
        data["stop_point"] = stop_point.pk
    return client.post(reverse("goals:scoring-record", args=[patient.pk]), data)


def what_matters(stop_point: StopPoint):
    return stop_point.definition.items.get(kind="what_matters")


def answer(stop_point: StopPoint, key: str, value) -> None:
    stop_point.refresh_from_db(fields=["revision"])
    services.checklist_answer_save(
        actor=stop_point.pathway.primary_contact,
        stop_point=stop_point,
        item_id=stop_point.definition.items.get(key=key).pk,
        value=value,
        expected_revision=stop_point.revision,
    )


# --------------------------------------------------------------------------------------------
# The what-matters item opens the goals page with its stop point
# --------------------------------------------------------------------------------------------


def test_what_matters_item_shows_the_goals_and_opens_the_goals_page(
    client, nurse, patient, hph2, goals
):
    client.force_login(nurse)
    html = client.get(reverse("pathways:stop-point-detail", args=[hph2.pk])).content.decode()
    row = html[html.index('data-key="hva-er-viktig"') :]
    row = row[: row.index("</form>")]
    assert "Pasientens mål, med egne ord:" in row
    assert all(text in row for text in GOALS)
    assert f'href="{goals_url(patient, hph2)}"' in row
    assert "Åpne «Hva er viktig for deg?»" in row


def test_goals_page_opened_from_a_stop_point_links_the_forms_and_back(
    client, nurse, patient, hph2, goals
):
    client.force_login(nurse)
    response = client.get(goals_url(patient, hph2))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Åpnet fra sjekklisten HPH2" in html
    assert html.count(f'name="stop_point" value="{hph2.pk}"') == 2  # add goal, record scores
    assert f'href="{reverse("pathways:stop-point-detail", args=[hph2.pk])}"' in html
    # no scoring yet at this stop point: the form proposes the baseline
    assert response.context["scoring_form"].initial["kind"] == Scoring.Kind.BASELINE


def test_adding_a_goal_from_a_stop_point_keeps_the_stop_point(client, nurse, patient, hph2):
    client.force_login(nurse)
    response = client.post(
        reverse("goals:goal-add", args=[patient.pk]),
        {"text": "Være hjemme til jul", "answered_by": "patient", "stop_point": hph2.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == goals_url(patient, hph2)


def test_baseline_at_hph2_answers_the_what_matters_item(client, nurse, patient, hph2, goals):
    client.force_login(nurse)
    answer(hph2, "legemiddelliste", True)  # someone answered before: revision 1
    response = score(client, patient, goals, kind="baseline", values=[5, 3], stop_point=hph2)
    assert response.status_code == 302
    assert response["Location"] == goals_url(patient, hph2)
    scoring = Scoring.objects.get()
    assert scoring.stop_point == hph2
    stored = ChecklistAnswer.objects.get(stop_point=hph2, item=what_matters(hph2))
    assert stored.value == {
        "scoring": scoring.pk,
        "kind": "baseline",
        "scored_on": timezone.localdate().isoformat(),
    }
    assert stored.answered_by == nurse
    hph2.refresh_from_db()
    assert hph2.revision == 2  # the answer went through the checklist service
    # the page after saving offers the way back to the checklist
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Tilbake til sjekklisten HPH2" in html
    assert "Registrert ved dette stoppunktet: Utgangspunkt" in html
    assert "Scorene er lagret, og punktet i sjekklisten HPH2 er besvart." in html
    # the checklist counts the item as answered and shows the scoring instead of a text box
    checklist = client.get(reverse("pathways:stop-point-detail", args=[hph2.pk]))
    assert what_matters(hph2) not in checklist.context["missing"]
    row = checklist.content.decode()
    row = row[row.index('data-key="hva-er-viktig"') :]
    row = row[: row.index("</form>")]
    assert "Målene er scoret med pasienten (utgangspunkt," in row
    assert "<textarea" not in row
    assert 'data-testid="what-matters-average">4,0<' in row


def test_the_scored_item_satisfies_the_required_item_when_signing(
    client, nurse, patient, hph2, goals
):
    client.force_login(nurse)
    for key, value in [("legemiddelliste", True), ("funksjon-iplos", True), ("fallrisiko", "Lav")]:
        answer(hph2, key, value)
    hph2.refresh_from_db()
    response = client.post(
        reverse("pathways:stop-point-complete", args=[hph2.pk]),
        {"expected_revision": hph2.revision},
    )
    assert response.status_code == 400  # the conversation is still missing
    score(client, patient, goals, kind="baseline", values=[5, 3], stop_point=hph2)
    hph2.refresh_from_db()
    response = client.post(
        reverse("pathways:stop-point-complete", args=[hph2.pk]),
        {"expected_revision": hph2.revision},
    )
    assert response.status_code == 302
    hph2.refresh_from_db()
    assert hph2.completed_by == nurse


def test_follow_up_at_hph5_answers_its_item(client, nurse, patient, pathway, goals):
    hph5 = stop(pathway, "HPH5")
    client.force_login(nurse)
    goal_services.scoring_record(
        patient=patient,
        actor=nurse,
        kind=Scoring.Kind.BASELINE,
        scores={goals[0].pk: 5, goals[1].pk: 3},
        scored_at=timezone.now() - timedelta(days=4),
    )
    page = client.get(goals_url(patient, hph5))
    assert page.context["scoring_form"].initial["kind"] == Scoring.Kind.FOLLOW_UP
    response = score(client, patient, goals, kind="follow_up", values=[10, 5], stop_point=hph5)
    assert response.status_code == 302
    follow_up = Scoring.objects.get(kind=Scoring.Kind.FOLLOW_UP)
    assert follow_up.stop_point == hph5
    stored = ChecklistAnswer.objects.get(stop_point=hph5)
    assert stored.item.key == "hva-er-viktig-oppfolging"
    assert (stored.value["scoring"], stored.value["kind"]) == (follow_up.pk, "follow_up")


def test_a_stop_point_of_another_patient_is_ignored(
    client, nurse, patient, municipality, district, start_hph, goals
):
    other = PatientFactory(municipality=municipality, given_name="Per", family_name="Annen")
    PatientServiceFactory(patient=other, unit=district)
    foreign = stop(start_hph(other, district, nurse), "HPH2")
    client.force_login(nurse)
    page = client.get(goals_url(patient, foreign))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Åpnet fra sjekklisten" not in html
    assert 'name="stop_point"' not in html
    response = score(client, patient, goals, kind="baseline", values=[5, 3], stop_point=foreign)
    assert response.status_code == 302
    assert response["Location"] == goals_url(patient)
    assert Scoring.objects.get().stop_point is None
    assert ChecklistAnswer.objects.count() == 0
    foreign.refresh_from_db()
    assert foreign.revision == 0


def test_malformed_stop_point_is_ignored(client, nurse, patient, goals):
    client.force_login(nurse)
    response = client.get(reverse("goals:page", args=[patient.pk]), {"stop_point": "x1"})
    assert response.status_code == 200
    assert "stop_point" not in response.context


def test_a_signed_checklist_is_not_linked(client, nurse, patient, hph2, goals):
    for key, value in [
        ("legemiddelliste", True),
        ("funksjon-iplos", True),
        ("fallrisiko", "Lav"),
        ("hva-er-viktig", "Ville ikke snakke om mål i dag"),
    ]:
        answer(hph2, key, value)
    hph2.refresh_from_db()
    services.stop_point_complete(actor=nurse, stop_point=hph2, expected_revision=hph2.revision)
    client.force_login(nurse)
    page = client.get(goals_url(patient, hph2)).content.decode()
    assert "Denne sjekklisten er lukket" in page
    score(client, patient, goals, kind="baseline", values=[5, 3], stop_point=hph2)
    assert Scoring.objects.get().stop_point is None
    stored = ChecklistAnswer.objects.get(stop_point=hph2, item=what_matters(hph2))
    assert stored.value == "Ville ikke snakke om mål i dag"


# --------------------------------------------------------------------------------------------
# The goals head the checklist, the chain and the patient's pathway summary
# --------------------------------------------------------------------------------------------


def test_goals_header_on_checklist_chain_and_pathway_summary(
    client, nurse, patient, pathway, hph2, goals
):
    client.force_login(nurse)
    for url in (
        reverse("pathways:stop-point-detail", args=[stop(pathway, "HPH3").pk]),
        reverse("pathways:pathway-detail", args=[pathway.pk]),
        reverse("pathways:patient-pathways", args=[patient.pk]),
    ):
        html = client.get(url).content.decode()
        assert 'data-testid="goals-header"' in html, url
        assert "Hva er viktig for pasienten" in html, url
        assert all(text in html for text in GOALS), url


def test_chain_view_links_the_reports_and_shows_the_scoring_in_the_care_plan(
    client, nurse, patient, pathway, hph2, goals
):
    client.force_login(nurse)
    score(client, patient, goals, kind="baseline", values=[5, 3], stop_point=hph2)
    html = client.get(reverse("pathways:pathway-detail", args=[pathway.pk])).content.decode()
    assert f'href="{reverse("pathways:gp-summary", args=[pathway.pk])}"' in html
    assert "Oppsummering til fastlegen" in html
    care_plan = html[html.index('data-testid="care-plan"') :]
    assert "Målene er scoret med pasienten (utgangspunkt," in care_plan
    assert "{&#x27;scoring&#x27;" not in html


# --------------------------------------------------------------------------------------------
# GP summary before HPH3
# --------------------------------------------------------------------------------------------


@pytest.fixture
def documented(client, nurse, patient, pathway, hph2, goals, district):
    """A pathway with a signed HPH2 (goals scored there), a fall and a phone for the unit."""
    district.phone = "73 10 20 30"
    district.save()
    client.force_login(nurse)
    score(client, patient, goals, kind="baseline", values=[5, 3], stop_point=hph2)
    for key, value in [
        ("legemiddelliste", True),
        ("funksjon-iplos", True),
        ("fallrisiko", "Høy"),
        ("kognisjon", "Glemsom om kvelden"),
    ]:
        answer(hph2, key, value)
    hph2.refresh_from_db()
    services.stop_point_complete(actor=nurse, stop_point=hph2, expected_revision=hph2.revision)
    services.event_record(
        actor=nurse,
        patient=patient,
        kind=EventKindChoices.FALL,
        occurred_at=timezone.now() - timedelta(hours=5),
        note="Falt på badet",
    )
    return pathway


def test_hph3_checklist_links_the_gp_summary(client, nurse, pathway):
    client.force_login(nurse)
    html = client.get(
        reverse("pathways:stop-point-detail", args=[stop(pathway, "HPH3").pk])
    ).content.decode()
    assert f'href="{reverse("pathways:gp-summary", args=[pathway.pk])}"' in html
    assert "Oppsummering til fastlegen" in html


def test_gp_summary_has_goals_findings_care_plan_events_and_open_stop_points(
    client, nurse, patient, documented
):
    client.force_login(nurse)
    response = client.get(reverse("pathways:gp-summary", args=[documented.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Oppsummering til fastlegen før besøket" in html
    assert patient.full_name in html
    assert patient.identity_number not in html
    # the goals in the patient's words with the latest scores
    goals = html[html.index('data-testid="goals-report"') :]
    assert all(text in goals for text in GOALS)
    assert 'data-testid="goals-report-average">4,0<' in goals
    # the HPH2 findings with the item texts
    findings = html[html.index('data-testid="findings"') :]
    assert "Kognisjon" in findings
    assert "Glemsom om kvelden" in findings
    # the care plan, medication first
    care_plan = html[html.index('data-testid="report-care-plan"') :]
    assert care_plan.index("Legemiddellisten er kontrollert") < care_plan.index("Fallrisiko")
    assert "Falt på badet" in html
    opened = html[html.index('data-testid="report-open-stop-points"') :]
    assert "HPH3" in opened
    assert "HPH2" not in opened  # signed
    assert "73 10 20 30" in html
    assert str(nurse) in html[html.index('data-testid="primary-contact"') :]
    assert AuditEvent.objects.filter(verb=AuditVerb.SUMMARY_PRINTED, actor=nurse).exists()


def test_gp_summary_is_not_found_without_a_service_need(
    client, make_member, other_district, documented
):
    client.force_login(make_member(other_district, Role.PRIMARY_CONTACT, username="south"))
    assert client.get(reverse("pathways:gp-summary", args=[documented.pk])).status_code == 404
    assert client.get(reverse("pathways:gp-summary", args=[999999])).status_code == 404


def test_gp_summary_query_count_is_bounded(
    client, nurse, documented, django_assert_max_num_queries
):
    client.force_login(nurse)
    url = reverse("pathways:gp-summary", args=[documented.pk])
    client.get(url)  # warm caches (content types, session)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


# --------------------------------------------------------------------------------------------
# Admission report (HPH6)
# --------------------------------------------------------------------------------------------


@pytest.fixture
def admitted(documented, nurse, patient):
    patient.gp = UserFactory(username="fastlege", first_name="Frida", last_name="Fastlege")
    patient.save()
    NextOfKin.objects.create(
        patient=patient,
        name="Kari Testesen",
        relation="datter",
        phone="900 11 222",
        is_primary=True,
    )
    services.event_record(
        actor=nurse,
        patient=patient,
        kind=EventKindChoices.ADMISSION,
        occurred_at=timezone.now() - timedelta(hours=1),
    )
    return documented


def test_hph6_checklist_links_the_admission_report(client, nurse, admitted):
    hph6 = admitted.stop_points.get(definition__code="HPH6")
    client.force_login(nurse)
    html = client.get(reverse("pathways:stop-point-detail", args=[hph6.pk])).content.decode()
    assert f'href="{reverse("pathways:admission-report", args=[admitted.pk])}"' in html
    assert "Innleggelsesrapport" in html


def test_admission_report_has_goals_medication_function_contacts_and_admission(
    client, nurse, patient, admitted
):
    client.force_login(nurse)
    response = client.get(reverse("pathways:admission-report", args=[admitted.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Innleggelsesrapport fra hjemmetjenesten" in html
    assert patient.identity_number not in html
    goals = html[html.index('data-testid="goals-report"') :]
    assert all(text in goals for text in GOALS)
    medication = html[html.index('data-testid="report-medication"') :]
    medication = medication[: medication.index("</section>")]
    assert "Legemiddellisten er kontrollert" in medication
    assert "Fallrisiko" not in medication
    function = html[html.index('data-testid="report-function"') :]
    function = function[: function.index("</section>")]
    assert "Funksjon kartlagt og IPLOS registrert" in function
    assert "Glemsom om kvelden" in function
    assert "Kari Testesen (datter)" in html
    assert "Frida Fastlege" in html[html.index('data-testid="report-gp"') :]
    assert "73 10 20 30" in html
    assert 'data-testid="admission-time"' in html


def test_admission_report_is_not_found_without_a_service_need(
    client, make_member, other_district, admitted
):
    client.force_login(make_member(other_district, Role.PRIMARY_CONTACT, username="south"))
    url = reverse("pathways:admission-report", args=[admitted.pk])
    assert client.get(url).status_code == 404


def test_admission_report_query_count_is_bounded(
    client, nurse, admitted, django_assert_max_num_queries
):
    client.force_login(nurse)
    url = reverse("pathways:admission-report", args=[admitted.pk])
    client.get(url)
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200
