"""The learning network's pages through the client: who may open what, bad input answered in
Norwegian with nothing saved, the poster PDF and the anonymous evaluation."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from forlop.core.models import Role
from forlop.improvement import forms
from forlop.improvement.models import Answer, InterviewNote, Poster, Receipt, Response, StatusReport
from forlop.improvement.services import survey_create

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _clock():
    # Between gatherings 1 and 2 of the test network.
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=OSLO), tick=False):
        yield


def text(response) -> str:
    return response.content.decode()


def test_the_permission_ladder(
    client, team, member, coordinator, network, make_member, other_municipality
):
    from forlop.core.models import Unit

    team_url = reverse("improvement:team", args=(team.pk,))
    network_url = reverse("improvement:network", args=(network.code,))
    # anonymous: to the login page
    assert client.get(team_url).status_code == 302
    # a nurse of another municipality, and one of the team's own municipality: not found
    other = Unit.objects.create(
        organisation=other_municipality, kind="home_care", name="X", code="x"
    )
    client.force_login(make_member(other, Role.IMPROVEMENT_MEMBER, username="elsewhere"))
    assert client.get(team_url).status_code == 404
    assert client.get(network_url).status_code == 404
    # the team member: the team's pages, not the network's
    client.force_login(member)
    assert client.get(team_url).status_code == 200
    assert client.get(network_url).status_code == 404
    assert client.get(reverse("improvement:interview", args=(team.pk, 1))).status_code == 200
    # the coordinator: the network and the team (read), never the raw interview notes
    client.force_login(coordinator)
    assert client.get(network_url).status_code == 200
    page = client.get(team_url)
    assert page.status_code == 200
    assert "Du leser dette teamet som nettverkets koordinator." in text(page)
    assert client.get(reverse("improvement:interview", args=(team.pk, 1))).status_code == 404
    post = client.post(
        reverse("improvement:task-done", args=(team.pk, "prep-team")), {"done_on": "2026-03-01"}
    )
    assert post.status_code == 404
    assert not team.task_completions.exists()


def test_a_gathering_before_the_network_starts_is_refused_in_the_form(client, coordinator, network):
    client.force_login(coordinator)
    response = client.post(
        reverse("improvement:gathering-create", args=(network.code,)),
        {
            "kind": "other",
            "title": "Oppstart",
            "starts_on": "2025-09-01",
            "place": "Horten",
            "invites_team": "on",
        },
    )
    assert response.status_code == 400
    assert "En samling kan ikke være før nettverket starter (20. oktober 2025)." in text(response)
    assert network.gatherings.count() == 5


def test_a_member_from_another_organisation_without_an_invitation(
    client, team, member, other_municipality
):
    client.force_login(member)
    url = reverse("improvement:team-members", args=(team.pk,))
    response = client.post(url, {"name": "Per Fastlege", "organisation": other_municipality.pk})
    assert response.status_code == 400
    assert "skriv inn invitasjonen (hvem som inviterte og hvorfor)" in text(response)
    assert team.members.count() == 1
    response = client.post(
        url,
        {
            "name": "Per Fastlege",
            "organisation": other_municipality.pk,
            "invitation": "Fastlegenes representant",
        },
    )
    assert response.status_code == 302
    assert team.members.count() == 2


def test_an_interview_note_with_an_identity_number_warns_and_saves_only_when_confirmed(
    client, team, member
):
    client.force_login(member)
    url = reverse("improvement:interview", args=(team.pk, 2))
    data = {
        "interviewee": "patient",
        "works_well": "Kom samme dag.",
        "works_badly": "Pasienten med nummer 04834198296 fikk ikke epikrisen.",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = text(response)
    assert "Notatet kan identifisere noen" in page
    assert "Et fødselsnummer eller annet identitetsnummer" in page
    assert "04834198296" not in page.split('id="identity-warning"')[1].split("</div>")[0]
    assert not InterviewNote.objects.exists()
    response = client.post(url, {**data, "confirmed": "on"})
    assert response.status_code == 302
    assert InterviewNote.objects.get().number == 2


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 98, 186)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_poster_photo_must_be_an_image_under_the_limit(
    client, team, member, gatherings, monkeypatch
):
    client.force_login(member)
    url = reverse("improvement:poster", args=(team.pk, gatherings[1].pk))
    fake = SimpleUploadedFile("bilde.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = client.post(url, {"photo": fake, "photo_text": "Teamet"})
    assert response.status_code == 400
    assert "Filen er ikke et bilde vi kan bruke: velg et JPEG- eller PNG-bilde." in text(response)
    assert not Poster.objects.exists()
    monkeypatch.setattr(forms, "PHOTO_MAX_BYTES", 100)
    big = SimpleUploadedFile("stor.png", png((200, 200)), content_type="image/png")
    response = client.post(url, {"photo": big, "photo_text": "Teamet"})
    assert response.status_code == 400
    assert "Bildet er for stort: høyst 5 MB" in text(response)
    assert not Poster.objects.exists()
    monkeypatch.setattr(forms, "PHOTO_MAX_BYTES", 5 * 1024 * 1024)
    good = SimpleUploadedFile("team.png", png(), content_type="image/png")
    response = client.post(
        url, {"photo": good, "photo_text": "Teamet på samling 1", "headline": "Trygg hjemkomst"}
    )
    assert response.status_code == 302
    poster = Poster.objects.get()
    assert (poster.photo_type, poster.headline) == ("image/png", "Trygg hjemkomst")


def test_the_poster_pdf_has_the_team_and_its_status(client, team, member, gatherings, coordinator):
    client.force_login(member)
    team.description = "Testvik har 12 000 innbyggere."
    team.save()
    second = gatherings[2]
    client.post(reverse("improvement:report", args=(team.pk, second.pk)), {"start": "1"})
    report = StatusReport.objects.get()
    client.post(
        reverse("improvement:report", args=(team.pk, second.pk)),
        {"work_done": "Vi har kartlagt HPH2.", "next_steps": "Teste ny rutine."},
    )
    response = client.get(reverse("improvement:poster-pdf", args=(team.pk, second.pk)) + "?size=a3")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="plakat-testvik-kommune-samling-2-a3.pdf"'
    )
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 1191)
    content = page.extract_text()
    for expected in (
        "Testvik kommune",
        "Frida Fjeld",
        "Testvik har 12 000 innbyggere.",
        "Siden forrige samling",
        "Vi har kartlagt HPH2.",
        "Teste ny rutine.",
    ):
        assert expected in content
    report.refresh_from_db()
    assert report.state == "draft"
    # the coordinator downloads all posters of the gathering at once
    client.force_login(coordinator)
    archive = client.get(reverse("improvement:gathering-posters", args=(second.pk, "zip")))
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert names == ["plakat-testvik-kommune-samling-2-a4.pdf"]
    combined = client.get(reverse("improvement:gathering-posters", args=(second.pk, "pdf")))
    assert "Testvik kommune" in PdfReader(io.BytesIO(combined.content)).pages[0].extract_text()


def test_the_evaluation_is_anonymous_answered_once_and_small_counts_are_hidden(
    client, team, member, coordinator, gatherings
):
    first = gatherings[1]
    survey = survey_create(gathering=first, actor=coordinator, closes_on=date(2026, 3, 10))
    questions = list(survey.questions.all())
    client.force_login(member)
    url = reverse("improvement:survey-answer", args=(first.pk,))
    answers = {
        f"q{questions[0].pk}": "4",
        f"q{questions[1].pk}": "5",
        f"q{questions[3].pk}": "Postervandringen",
    }
    assert client.post(url, answers).status_code == 302
    assert (Response.objects.count(), Answer.objects.count(), Receipt.objects.count()) == (1, 3, 1)
    assert not Response._meta.get_field("survey").null
    assert {f.name for f in Response._meta.get_fields()} == {"id", "survey", "answers"}
    # a second time: thanked, nothing stored
    assert client.post(url, answers).status_code == 302
    assert Response.objects.count() == 1
    # the coordinator: one answer is too few to show
    client.force_login(coordinator)
    page = text(client.get(reverse("improvement:gathering", args=(first.pk,))))
    assert "For få svar til å vises." in page
    assert "Postervandringen" not in page


def test_a_hidden_count_cannot_be_worked_out_from_the_total_and_the_rest(
    client, team, district, make_member, coordinator, gatherings, settings
):
    from forlop.improvement.services import survey_answer, team_member_add

    settings.FORLOP_SUPPRESS_BELOW = 5
    first = gatherings[1]
    survey = survey_create(gathering=first, actor=coordinator, closes_on=date(2026, 3, 10))
    useful, fit, time_enough = list(survey.questions.all())[:3]
    # seven answers: enough time said yes by six and no by one
    for i in range(7):
        user = make_member(district, "primary_contact", username=f"svar{i}")
        team_member_add(
            team=team,
            actor=coordinator,
            name=f"Svar {i}",
            user=user,
            organisation=team.organisation,
        )
        survey_answer(
            survey=survey,
            user=user,
            answers={useful.pk: 4, fit.pk: 4, time_enough.pk: 0 if i == 0 else 1},
            today=date(2026, 3, 5),
        )
    client.force_login(coordinator)
    response = client.get(reverse("improvement:gathering", args=(first.pk,)))
    assert response.status_code == 200
    page = text(response)
    assert "Ja: færre enn 5" in page
    assert "Nei: færre enn 5" in page
    assert "Ja: 6" not in page
    # the two scales: every answer a 4, so the mean and the count are shown
    assert page.count("4: 7") == 2
    assert page.count("Gjennomsnitt: 4,0") == 2
    assert "Gjennomsnitt: 0,9" not in page  # the yes/no mean would give the one no back


def test_the_network_page_puts_its_organisations_side_by_side(
    client,
    coordinator,
    network,
    municipality,
    other_municipality,
    district,
    default_measures,
    add_pathway,
    add_stop_point,
    settings,
):
    from forlop.core.tests.factories import UnitFactory
    from forlop.measures.tests.conftest import oslo

    settings.FORLOP_SUPPRESS_BELOW = 5
    network.members.set([municipality, other_municipality])
    # given February 2026: six HPH2 in Testvik (five on time), two in the other municipality
    for n in range(6):
        p = add_pathway(district, oslo(2026, 2, 2), discharged_at=oslo(2026, 2, 2))
        add_stop_point(p, "HPH2", oslo(2026, 2, 5), completed_at=oslo(2026, 2, 4) if n else None)
    elsewhere = UnitFactory(organisation=other_municipality, code="andrevik-hjem")
    for _ in range(2):
        p = add_pathway(elsewhere, oslo(2026, 2, 2), discharged_at=oslo(2026, 2, 2))
        add_stop_point(p, "HPH2", oslo(2026, 2, 5), completed_at=oslo(2026, 2, 4))
    client.force_login(coordinator)
    # when the coordinator opens the network
    response = client.get(reverse("improvement:network", args=(network.code,)))
    assert response.status_code == 200
    members, rows = response.context["side_by_side"]
    # then each organisation has its column, the same measures as the network's table
    assert [m.code for m in members] == sorted(
        [municipality.code, other_municipality.code],
        key=lambda code: {
            municipality.code: municipality.name,
            other_municipality.code: other_municipality.name,
        }[code],
    )
    hph2 = next(r for r in rows if r["measure"].code == "hph2-within-3-days")
    cells = {c["organisation"].code: c["point"] for c in hph2["cells"]}
    assert cells[municipality.code].value == pytest.approx(5 / 6)
    assert cells[municipality.code].display == "feb. 2026"
    # and two cases in a period are suppressed, as in the network's aggregate
    assert cells[other_municipality.code].suppressed is True
    html = response.content.decode()
    assert 'id="side-by-side"' in html
    assert f'data-org="{municipality.code}">83 %</td>' in html
    # the network's own table writes its periods in Norwegian, not 2025-02
    assert '<span class="period-label">feb. 2026</span>' in html
    assert '<span class="period-label">2026-02</span>' not in html
