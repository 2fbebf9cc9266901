"""The model for improvement through its services and pages: bad input answered in Norwegian
with nothing saved, who may write, a PDSA cycle as a note on the charts of its measures, the
driver diagram's SVG and list carrying the same words, and the status report's PDSA section."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from forlop.core.models import Role
from forlop.improvement import drafting, services
from forlop.improvement.diagrams import node_texts
from forlop.improvement.models import (
    Aim,
    ChangeIdea,
    IdeaVote,
    PdsaCycle,
    ProgressScore,
)
from forlop.improvement.selectors import team_measures, team_scope
from forlop.improvement.views.method import diagram_tree
from forlop.measures.models import Measure
from forlop.measures.selectors import measure_series

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=OSLO), tick=False):
        yield


def message(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


@pytest.fixture
def hph2(default_measures) -> Measure:
    return Measure.objects.get(organisation=None, code="hph2-within-3-days")


@pytest.fixture
def aim(team, member, hph2) -> Aim:
    return services.aim_create(
        team=team,
        actor=member,
        statement="HPH2 innen 3 dager for 90 %",
        measure=hph2,
        available=team_measures(team),
        target_percent_or_value=90,
        target_date=date(2026, 9, 1),
        today=TODAY,
    )


@pytest.fixture
def idea(team, member) -> ChangeIdea:
    return services.idea_create(team=team, actor=member, title="Ringe dagen før hjemkomst")


def test_an_aim_without_a_measure_or_a_target_date_is_refused(team, member, hph2):
    # when
    with pytest.raises(ValidationError) as error:
        services.aim_create(
            team=team,
            actor=member,
            statement="Bedre oppfølging",
            measure=None,
            available=team_measures(team),
            target_percent_or_value=90,
            target_date=None,
            today=TODAY,
        )
    # then
    assert message(error) == (
        "Et mål trenger et målepunkt som følger det. Gi målet en måldato: innen når?"
    )
    assert not team.aims.exists()


def test_an_aim_links_process_and_balancing_measures(team, member, hph2, aim):
    process = Measure.objects.get(code="stop-points-on-time")
    balancing = Measure.objects.get(code="readmission-30-days")
    second = services.aim_create(
        team=team,
        actor=member,
        statement="Alle stoppunkter i tide",
        measure=hph2,
        process=[process],
        balancing=[balancing],
        available=team_measures(team),
        target_percent_or_value=95,
        target_date=date(2026, 12, 1),
        today=TODAY,
    )
    assert list(second.aim_measures.order_by("pk").values_list("measure__code", "role")) == [
        ("hph2-within-3-days", "outcome"),
        ("stop-points-on-time", "process"),
        ("readmission-30-days", "balancing"),
    ]


def test_a_cycle_that_ends_before_it_starts_is_refused(team, member, idea, hph2):
    with pytest.raises(ValidationError) as error:
        services.cycle_create(
            team=team,
            actor=member,
            idea=idea,
            title="Prøve på én pasient",
            prediction="Pasienten er klar.",
            starts_on=date(2026, 3, 10),
            ends_on=date(2026, 3, 9),
            today=TODAY,
        )
    assert message(error) == "Syklusen kan ikke slutte før den starter."
    assert not PdsaCycle.objects.exists()
    idea.refresh_from_db()
    assert idea.status == ChangeIdea.Status.OPEN


def test_a_progress_score_off_the_scale_or_without_a_reason_is_refused(team, member):
    with pytest.raises(ValidationError) as error:
        services.progress_score_set(
            team=team, actor=member, score=Decimal("5.5"), reason="", today=TODAY
        )
    assert message(error) == (
        "Fremdriftsskåren går fra 0,5 til 5, i steg på 0,5. Si hvorfor teamet gir denne skåren."
    )
    with pytest.raises(ValidationError):
        services.progress_score_set(
            team=team, actor=member, score=Decimal(0), reason="Ingen grunn", today=TODAY
        )
    assert not ProgressScore.objects.exists()


def test_a_change_idea_over_the_length_limit_is_refused(team, member):
    with pytest.raises(ValidationError) as error:
        services.idea_create(team=team, actor=member, title="x" * 201)
    assert message(error) == "Hold ideen innenfor 200 tegn; si mer i beskrivelsen under."
    assert not ChangeIdea.objects.exists()


def test_the_pages_answer_bad_input_in_norwegian_with_nothing_saved(
    client, team, member, aim, idea
):
    client.force_login(member)
    # an aim without measure or date
    response = client.post(
        reverse("improvement:aims", args=(team.pk,)),
        {"statement": "Nytt mål", "target": "90", "target_date": ""},
    )
    assert response.status_code == 400
    assert "Et mål trenger et målepunkt som følger det." in response.content.decode()
    assert team.aims.count() == 1
    # a cycle ending before it starts
    cycle = services.idea_to_cycle(idea=idea, actor=member, today=TODAY)
    response = client.post(
        reverse("improvement:cycle", args=(team.pk, cycle.pk)),
        {"title": cycle.title, "starts_on": "2026-03-10", "ends_on": "2026-03-01"},
    )
    assert response.status_code == 400
    assert "Syklusen kan ikke slutte før den starter." in response.content.decode()
    cycle.refresh_from_db()
    assert (cycle.starts_on, cycle.ends_on) == (date(2026, 3, 2), date(2026, 3, 16))
    # a progress score off the scale
    response = client.post(
        reverse("improvement:progress", args=(team.pk,)), {"score": "6", "reason": "Fint"}
    )
    assert response.status_code == 400
    assert "Fremdriftsskåren går fra 0,5 til 5, i steg på 0,5." in response.content.decode()
    # an idea over the limit
    response = client.post(
        reverse("improvement:ideas", args=(team.pk,)), {"title": "y" * 250, "kind": "idea"}
    )
    assert response.status_code == 400
    assert "Hold ideen innenfor 200 tegn" in response.content.decode()
    assert ProgressScore.objects.count() == 0
    assert ChangeIdea.objects.count() == 1


def test_only_members_write_and_coordinators_review(team, member, coordinator, idea):
    with pytest.raises(PermissionDenied):
        services.idea_create(team=team, actor=coordinator, title="Fra koordinator")
    with pytest.raises(PermissionDenied):
        services.idea_vote_toggle(idea=idea, actor=coordinator)
    row = services.progress_score_set(
        team=team, actor=member, score=Decimal("2.5"), reason="Endringer testet.", today=TODAY
    )
    with pytest.raises(PermissionDenied):
        services.progress_score_review(row=row, actor=member, review="agreed", note="", now=None)
    with pytest.raises(ValidationError) as error:
        services.progress_score_review(
            row=row, actor=coordinator, review="questioned", note="", now=None
        )
    assert message(error) == "Si hva du stiller spørsmål ved, så teamet kan svare."
    row.refresh_from_db()
    assert row.review == ""
    assert ChangeIdea.objects.count() == 1
    assert not IdeaVote.objects.exists()


def test_votes_toggle(team, member, idea):
    assert services.idea_vote_toggle(idea=idea, actor=member) is True
    assert services.idea_vote_toggle(idea=idea, actor=member) is False
    assert not IdeaVote.objects.exists()


def test_a_ramp_of_cycles_ends_in_an_adopted_change(team, member, aim, hph2):
    # given an idea under a driver of the aim
    driver = services.driver_add(aim=aim, actor=member, text="Planlagt hjemkomst")
    idea = services.idea_create(team=team, actor=member, title="Ringe før", driver=driver)
    # when it becomes a cycle in one step, targeting the aim's measure
    first = services.idea_to_cycle(idea=idea, actor=member, today=TODAY)
    assert list(first.measures.values_list("code", flat=True)) == ["hph2-within-3-days"]
    idea.refresh_from_db()
    assert idea.status == ChangeIdea.Status.TESTING

    def decide(cycle, decision):
        return services.cycle_update(
            cycle=cycle,
            actor=member,
            today=TODAY,
            title=cycle.title,
            plan="",
            prediction="Bedre",
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            done_text="Gjort",
            study_text="Lært",
            decision=decision,
            act_text="",
            decided_on=None,
            owner=None,
            unit=None,
            measures=[hph2],
        )

    decide(first, "adapt")
    second = services.cycle_next(cycle=first, actor=member, today=TODAY)
    assert second.previous_id == first.pk
    assert second.title == "Ringe før (syklus 2)"
    decide(second, "adopt")
    # then
    idea.refresh_from_db()
    assert (idea.status, idea.adopted_on) == (ChangeIdea.Status.ADOPTED, TODAY)
    with pytest.raises(ValidationError):
        decide(second, "abandon")


def test_a_cycle_is_a_note_on_the_charts_of_the_measures_it_targets(team, member, aim, idea, hph2):
    # given a cycle targeting HPH2 within 3 days
    cycle = services.idea_to_cycle(idea=idea, actor=member, today=TODAY)
    other = Measure.objects.get(code="hph3-within-14-days")
    scope = team_scope(team)
    # when the measures app draws the series (notes from the registry)
    series = measure_series(
        hph2, scope=scope, first=date(2026, 1, 1), last=date(2026, 3, 1), as_of=datetime.now(OSLO)
    )
    other_series = measure_series(
        other, scope=scope, first=date(2026, 1, 1), last=date(2026, 3, 1), as_of=datetime.now(OSLO)
    )
    # then
    assert [(n.date, n.text) for n in series.annotations] == [
        (date(2026, 3, 2), f"PDSA: {cycle.title}")
    ]
    assert [(a.x, a.label) for a in series.svg_annotations] == [(3, f"PDSA: {cycle.title}")]
    assert other_series.annotations == ()


def test_the_aim_target_is_drawn_on_its_charts(client, team, member, aim):
    client.force_login(member)
    page = client.get(reverse("improvement:aims", args=(team.pk,))).content.decode()
    assert 'class="spc-target"' in page
    assert "Mål 90 % innen 1. september 2026" in page


def test_the_driver_diagram_svg_and_list_carry_the_same_words(client, team, member, aim):
    # given two primary drivers, a secondary, and ideas under both levels
    people = services.driver_add(aim=aim, actor=member, text="Planlagt hjemkomst & <kjent>")
    time = services.driver_add(aim=aim, actor=member, text="Tid til oppfølging")
    known = services.driver_add(
        aim=aim, actor=member, text="Primærkontakten er kjent før utskrivning", parent=people
    )
    services.idea_create(team=team, actor=member, title="Ringe dagen før", driver=known)
    services.idea_create(team=team, actor=member, title="Tavlemøte kl. 08.15", driver=time)
    client.force_login(member)
    # when
    page = client.get(reverse("improvement:diagram", args=(team.pk, aim.pk))).content.decode()
    # then
    # the diagram's SVG (the menu's bell is an SVG too)
    svg = next(s for s in re.findall(r"<svg.*?</svg>", page, re.DOTALL) if "dd-text" in s)
    boxes = re.findall(r'<text class="dd-text"[^>]*>(.*?)</text>', svg, re.DOTALL)
    svg_words = ["".join(re.findall(r"<tspan[^>]*>(.*?)</tspan>", box)) for box in boxes]
    listed = page[page.index('data-testid="diagram-list"') :]
    list_words = re.findall(r"data-node[^>]*>(.*?)</", listed)

    def squash(texts):
        return ["".join(t.split()) for t in texts]

    assert squash(svg_words) == squash(list_words)
    from forlop.improvement.selectors import driver_diagram

    assert squash(list_words) == squash(
        [
            t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            for t in node_texts(diagram_tree(driver_diagram(aim)))
        ]
    )
    assert len(list_words) == 6


def test_the_status_report_lists_the_cycles_of_its_period(team, member, idea, gatherings):
    cycle = services.idea_to_cycle(idea=idea, actor=member, today=TODAY)
    source = next(s for s in drafting._cycle_sources if type(s).__name__ == "Cycles")
    rows = source.cycles_for(team=team, since=date(2026, 1, 20), until=date(2026, 4, 13))
    assert [(r.title, r.started_on, r.stage) for r in rows] == [(cycle.title, TODAY, "Gjøre")]


def test_leaders_read_the_aims_and_cycles_but_write_nothing(
    client, team, member, aim, idea, district, make_member
):
    leader = make_member(district, Role.UNIT_LEADER, username="lene")
    cycle = services.idea_to_cycle(idea=idea, actor=member, today=TODAY)
    client.force_login(leader)
    assert client.get(reverse("improvement:aims", args=(team.pk,))).status_code == 200
    assert client.get(reverse("improvement:cycle", args=(team.pk, cycle.pk))).status_code == 200
    assert client.get(reverse("improvement:ideas", args=(team.pk,))).status_code == 404
    assert client.get(reverse("improvement:team", args=(team.pk,))).status_code == 404
    response = client.post(
        reverse("improvement:cycle", args=(team.pk, cycle.pk)),
        {"title": "Endret", "starts_on": "2026-03-02", "ends_on": "2026-03-16"},
    )
    assert response.status_code == 404
    cycle.refresh_from_db()
    assert cycle.title == idea.title
    leaders_page = client.get(reverse("pathways:leader")).content.decode()
    assert "HPH2 innen 3 dager for 90 %" in leaders_page
    assert cycle.title in leaders_page


def test_a_form_sent_twice_saves_once(client, team, member, aim, hph2):
    """A double click, or a reload that posts again, leaves one row of each, and the second
    answer is the same success, never an error."""
    from forlop.improvement.models import (
        CommunicationItem,
        Driver,
        IdeaComment,
    )

    client.force_login(member)
    twice = [
        (reverse("improvement:driver-add", args=(team.pk, aim.pk)), {"text": "Planlagt hjemkomst"}),
        (reverse("improvement:ideas", args=(team.pk,)), {"title": "Ringe før", "kind": "idea"}),
        (
            reverse("improvement:progress", args=(team.pk,)),
            {"score": "2.5", "reason": "Endringer testet."},
        ),
        (
            reverse("improvement:plans", args=(team.pk,)),
            {
                "audience": "staff",
                "message": "Hva vi tester",
                "channel": "meeting",
                "planned_on": "2026-03-20",
            },
        ),
        (
            reverse("improvement:aims", args=(team.pk,)),
            {
                "statement": "HPH2 innen 3 dager for 90 %",
                "measure": hph2.pk,
                "target": "90",
                "target_date": "2026-09-01",
            },
        ),
    ]
    for url, data in twice:
        for _ in range(2):
            assert client.post(url, data).status_code == 302, url
    idea = ChangeIdea.objects.get()
    for _ in range(2):
        client.post(reverse("improvement:idea", args=(team.pk, idea.pk)), {"text": "Godt forslag"})
        client.post(reverse("improvement:idea-vote", args=(team.pk, idea.pk)), {"vote": "1"})
        client.post(reverse("improvement:idea-cycle", args=(team.pk, idea.pk)))
    assert (
        Driver.objects.count(),
        ChangeIdea.objects.count(),
        ProgressScore.objects.count(),
        CommunicationItem.objects.count(),
        Aim.objects.count(),
        IdeaComment.objects.count(),
        IdeaVote.objects.count(),
        PdsaCycle.objects.count(),
    ) == (1, 1, 1, 1, 1, 1, 1, 1)
    # the vote button sent with "0" takes the vote back, twice or once
    for _ in range(2):
        client.post(reverse("improvement:idea-vote", args=(team.pk, idea.pk)), {"vote": "0"})
    assert not IdeaVote.objects.exists()
    # the next cycle of a ramp, asked for twice, is one cycle
    cycle = PdsaCycle.objects.get()
    PdsaCycle.objects.filter(pk=cycle.pk).update(  # set up: studied and adapted
        done_text="Gjort.",
        study_text="Lært.",
        decision="adapt",
        decided_on=TODAY,
        act_text="Igjen.",
    )
    for _ in range(2):
        client.post(reverse("improvement:cycle-next", args=(team.pk, cycle.pk)))
    assert PdsaCycle.objects.filter(previous=cycle).count() == 1
