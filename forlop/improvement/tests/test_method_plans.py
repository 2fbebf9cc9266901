"""Parts of the model for improvement (issue 13) not covered elsewhere: an aim on a measure
the team counts by hand, a cycle that changes a checklist, the network's progress scores over
time, the communication and spread plans with the quality system, and a PDSA note too long
for the leaders' small chart drawn whole."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from forlop.core.models import Role
from forlop.improvement import services
from forlop.improvement.models import ChangeIdea, PdsaCycle
from forlop.improvement.selectors import team_measures, team_scope
from forlop.measures.models import ManualValue, Measure
from forlop.measures.selectors import measure_series

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 3, 2)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=OSLO), tick=False):
        yield


@pytest.fixture
def hph2(default_measures) -> Measure:
    return Measure.objects.get(organisation=None, code="hph2-within-3-days")


def _adopted(team, member, title: str = "Ringe dagen før hjemkomst") -> ChangeIdea:
    idea = services.idea_create(team=team, actor=member, title=title)
    cycle = services.idea_to_cycle(idea=idea, actor=member, today=TODAY)
    PdsaCycle.objects.filter(pk=cycle.pk).update(  # set up: carried out and studied
        done_text="Gjort.", study_text="Lært."
    )
    cycle.refresh_from_db()
    services.cycle_update(
        cycle=cycle,
        actor=member,
        today=TODAY,
        title=cycle.title,
        plan="",
        prediction="Flere får HPH2 i tide.",
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        done_text="Gjort.",
        study_text="Lært.",
        decision="adopt",
        act_text="Innført i hele sonen.",
        decided_on=TODAY,
        owner=None,
        unit=None,
        measures=[],
    )
    idea.refresh_from_db()
    assert idea.status == ChangeIdea.Status.ADOPTED
    return idea


def test_an_aim_on_a_measure_counted_by_hand_charts_its_values(client, team, member):
    # given a team that counts by hand where it does not run Forløp
    client.force_login(member)
    response = client.post(
        reverse("improvement:manual-measure", args=(team.pk,)),
        {
            "name": "Ringt dagen etter",
            "numerator": "pasienter ringt dagen etter hjemkomst",
            "period": "week",
            "direction": "up",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get(organisation=team.organisation, name="Ringt dagen etter")
    assert measure.is_manual
    assert measure in team_measures(team)
    # when it registers three weeks and sets an aim on the measure
    for day, value in (("2026-02-09", "4"), ("2026-02-16", "5"), ("2026-02-23", "7")):
        client.post(
            reverse("improvement:manual-value", args=(team.pk,)),
            {"measure": measure.pk, "period_start": day, "value": value},
        )
    # a period ahead is refused, nothing stored
    client.post(
        reverse("improvement:manual-value", args=(team.pk,)),
        {"measure": measure.pk, "period_start": "2026-03-16", "value": "9"},
    )
    assert ManualValue.objects.filter(measure=measure).count() == 3
    aim = services.aim_create(
        team=team,
        actor=member,
        statement="Ringe alle dagen etter",
        measure=measure,
        available=team_measures(team),
        target_percent_or_value=10,
        target_date=date(2026, 9, 1),
        today=TODAY,
    )
    # then the aim's chart draws the values by hand and the aim's target
    series = measure_series(
        measure,
        scope=team_scope(team),
        first=date(2026, 2, 9),
        last=date(2026, 2, 23),
        as_of=datetime.now(OSLO),
    )
    assert [point.y for point in series.result.points] == [4.0, 5.0, 7.0]
    page = client.get(reverse("improvement:aims", args=(team.pk,))).content.decode()
    assert f'id="aim{aim.pk}-{measure.code}-title"' in page
    chart = page[page.index(f'id="aim{aim.pk}-{measure.code}-title"') :]
    chart = chart[: chart.index("</svg>")]
    assert 'class="spc-target"' in chart


def test_a_cycle_that_changes_a_checklist_links_to_its_template_version(
    client, team, member, hph_version
):
    idea = services.idea_create(team=team, actor=member, title="Ny sjekkliste for HPH2")
    cycle = services.cycle_create(
        team=team,
        actor=member,
        idea=idea,
        title="Prøve den nye HPH2-sjekklisten",
        prediction="Raskere utfylling.",
        starts_on=TODAY,
        ends_on=date(2026, 3, 16),
        today=TODAY,
        template_version=hph_version,
    )
    assert PdsaCycle.objects.get(pk=cycle.pk).template_version_id == hph_version.pk
    client.force_login(member)
    page = client.get(reverse("improvement:cycle", args=(team.pk, cycle.pk))).content.decode()
    shown = re.search(r'data-testid="cycle-template">(.*?)</p>', page, re.DOTALL)
    assert shown is not None
    assert str(hph_version) in re.sub(r"<[^>]+>", "", shown.group(1))


def test_the_network_shows_each_teams_progress_scores_over_time(
    client, network, team, member, coordinator
):
    # given two scores a month apart, the first reviewed by the coordinator
    with time_machine.travel(datetime(2026, 2, 2, 10, tzinfo=OSLO), tick=False):
        first = services.progress_score_set(
            team=team,
            actor=member,
            score=Decimal("1.5"),
            reason="Planlegger.",
            today=date(2026, 2, 2),
        )
    services.progress_score_review(
        row=first, actor=coordinator, review="agreed", note="", now=datetime.now(OSLO)
    )
    services.progress_score_set(
        team=team, actor=member, score=Decimal("2.5"), reason="Endringer testet.", today=TODAY
    )
    # when the coordinator opens the network's scores
    client.force_login(coordinator)
    page = client.get(reverse("improvement:network-progress", args=(network.code,)))
    assert page.status_code == 200
    body = page.content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\">.*?Testvik kommune.*?</tr>", body, re.DOTALL)
    assert row is not None
    cells = [
        re.sub(r"<[^>]+>|\s+", " ", c).strip()
        for c in re.findall(r"<td>(.*?)</td>", row.group(0), re.DOTALL)
    ]
    # then the row holds both scores in order, the latest, and that it waits for review
    assert cells[0] == "2. feb 2026: 1,5; 2. mar 2026: 2,5"
    assert cells[1].startswith("2,5 ")
    assert cells[2] == "til vurdering"
    # and the SVG over time is there
    assert "<svg" in body[body.index("Fremdriftsskår") :]


def test_the_plans_page_carries_communication_spread_and_the_quality_system(
    client, team, member, district, other_district
):
    idea = _adopted(team, member)
    services.communication_add(
        team=team,
        actor=member,
        audience="staff",
        message="Hva vi har innført",
        channel="meeting",
        planned_on=date(2026, 3, 20),
        responsible="Frida",
    )
    services.spread_step_add(
        idea=idea, actor=member, unit=other_district, planned_on=date(2026, 5, 1), note="Neste"
    )
    services.idea_quality_system_set(idea=idea, actor=member, where="Dok. 12.3 i kvalitetssystemet")
    client.force_login(member)
    body = client.get(reverse("improvement:plans", args=(team.pk,))).content.decode()
    change = body[body.index(f'data-testid="change-{idea.pk}"') :]
    change = change[: change.index("</article>")]
    assert "Hva vi har innført" in body
    assert other_district.name in change
    assert 'value="Dok. 12.3 i kvalitetssystemet"' in change
    # an idea not adopted cannot be spread
    open_idea = services.idea_create(team=team, actor=member, title="Ikke testet ennå")
    with pytest.raises(ValidationError) as refused:
        services.spread_step_add(
            idea=open_idea, actor=member, unit=district, planned_on=date(2026, 5, 1)
        )
    assert refused.value.messages == ["Spre det teamet har innført."]
    assert not open_idea.spread_steps.exists()


def test_a_long_pdsa_note_is_whole_on_the_leaders_small_chart(
    client, team, member, hph2, district, make_member
):
    # given an aim on HPH2 and a cycle with a long title targeting it
    services.aim_create(
        team=team,
        actor=member,
        statement="HPH2 innen 3 dager for 90 %",
        measure=hph2,
        available=team_measures(team),
        target_percent_or_value=90,
        target_date=date(2026, 9, 1),
        today=TODAY,
    )
    title = "Ringe pasienten dagen før hjemkomst og avtale det første besøket med primærkontakten"
    idea = services.idea_create(team=team, actor=member, title=title)
    services.cycle_create(  # in February: the charts end with the last period that has ended
        team=team,
        actor=member,
        idea=idea,
        title=title,
        prediction="Flere får HPH2 i tide.",
        starts_on=date(2026, 2, 9),
        ends_on=date(2026, 2, 23),
        today=TODAY,
        measures=[hph2],
        available=team_measures(team),
    )
    leader = make_member(district, Role.UNIT_LEADER, username="lene")
    client.force_login(leader)
    # when the unit leader opens the leaders' page (the aims' small charts)
    page = client.get(reverse("pathways:leader")).content.decode()
    start = page.index('id="aim')
    svg = page[page.rindex("<svg", 0, start) : page.index("</svg>", start) + 6]
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    # then the note is whole: the line carries its number, the key under the chart the text
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert not any("…" in text for text in texts)
    key = [
        t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "spc-annotation-key-text"
    ]
    assert " ".join(key) == f"PDSA: {title}"
