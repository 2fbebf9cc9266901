"""The network's events beyond the four gatherings (the regional experience gathering, the
national experience conference, "Hva er viktig for deg?"-dagen) as pages and in the calendar,
and the e-mail invitations to gatherings and guidance: sent once, audited, recorded, with
the event as an .ics attachment; bad input answered in Norwegian with nothing saved."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from forlop.core import outbox
from forlop.core.models import AuditEvent, AuditVerb, Role, Unit, User
from forlop.improvement import rules, services
from forlop.improvement.models import EventInvitation, Gathering, Network, Team

OSLO = ZoneInfo("Europe/Oslo")
# Between gatherings 1 (20 January 2026) and 2 (20 April 2026) of the test network.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-03-02T10:00+01:00")]


def text(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def admin(db: None) -> User:
    return User.objects.create_superuser(username="admin", email="admin@example.org")


@pytest.fixture
def june_day(admin: User) -> Gathering:
    (day,) = services.national_events_plan(actor=admin, year=2026)
    return day


@pytest.fixture
def colleague(team: Team, district: Unit, make_member, coordinator: User) -> User:
    user = make_member(district, Role.IMPROVEMENT_MEMBER, username="per", first_name="Per")
    services.team_member_add(
        team=team,
        actor=coordinator,
        name="Per Pleier",
        user=user,
        organisation=team.organisation,
        is_leader=True,
    )
    return user


# --------------------------------------------------------------------------------------------
# Dates: derived where the compendium derives them, and movable
# --------------------------------------------------------------------------------------------


def test_the_june_day_and_the_experience_gathering_are_derived():
    assert rules.what_matters_day(2022) == date(2022, 6, 9)  # Thursday 9 June, as in seed 002
    assert rules.what_matters_day(2019) == date(2019, 6, 6)  # 6 June was a Thursday
    assert rules.what_matters_day(2026) == date(2026, 6, 11)
    assert rules.experience_gathering_date(date(2027, 7, 20)) == date(2028, 7, 20)
    assert rules.next_what_matters_day(date(2026, 6, 11)) == date(2026, 6, 11)
    assert rules.next_what_matters_day(date(2026, 6, 12)) == date(2027, 6, 10)


def test_planning_the_june_day_once_a_year_and_moving_it(client, admin):
    client.force_login(admin)
    client.post(reverse("improvement:events-plan"))
    client.post(reverse("improvement:events-plan"))  # a second click plans nothing more
    days = Gathering.objects.filter(kind=Gathering.Kind.WHAT_MATTERS_DAY)
    assert [d.starts_on for d in days] == [date(2026, 6, 11)]
    day = days.get()
    response = client.post(
        reverse("improvement:gathering-edit", args=(day.pk,)),
        {"kind": "what_matters_day", "starts_on": "04.06.2026", "place": "Over hele landet"},
        follow=True,
    )
    assert response.status_code == 200
    day.refresh_from_db()
    assert day.starts_on == date(2026, 6, 4)
    # not in June: refused in Norwegian, the date kept
    response = client.post(
        reverse("improvement:gathering-edit", args=(day.pk,)),
        {"kind": "what_matters_day", "starts_on": "04.07.2026", "place": "Over hele landet"},
    )
    assert response.status_code == 400
    assert "«Hva er viktig for deg?»-dagen er i juni." in text(response)
    day.refresh_from_db()
    assert day.starts_on == date(2026, 6, 4)


def test_moving_gathering_4_moves_the_experience_gathering_until_it_is_moved_by_hand(
    network, gatherings, coordinator
):
    experience = network.gatherings.get(kind=Gathering.Kind.EXPERIENCE)
    assert experience.starts_on == date(2028, 7, 20)
    fourth = gatherings[4]
    services.gathering_save(
        network=network, actor=coordinator, gathering=fourth, starts_on=date(2027, 6, 15)
    )
    experience.refresh_from_db()
    assert experience.starts_on == date(2028, 6, 15)
    moves = AuditEvent.objects.filter(verb=AuditVerb.GATHERING_MOVED, target_id=experience.pk)
    assert [m.data["to"] for m in moves] == ["2028-06-15"]
    # moved by hand, it stays when gathering 4 moves again
    services.gathering_save(
        network=network, actor=coordinator, gathering=experience, starts_on=date(2028, 9, 1)
    )
    services.gathering_save(
        network=network, actor=coordinator, gathering=fourth, starts_on=date(2027, 7, 1)
    )
    experience.refresh_from_db()
    assert experience.starts_on == date(2028, 9, 1)


@pytest.mark.parametrize(
    ("kind", "day", "message"),
    [
        ("experience", "01.09.2025", "En samling kan ikke være før nettverket starter"),
        ("experience", "01.05.2027", "Den regionale erfaringssamlingen kommer etter"),
        ("other", "01.09.2027", "En samling kan ikke være etter at nettverket slutter"),
    ],
)
def test_an_event_outside_the_network_is_refused_with_nothing_saved(
    client, network, coordinator, kind, day, message
):
    client.force_login(coordinator)
    before = Gathering.objects.count()
    response = client.post(
        reverse("improvement:gathering-create", args=(network.code,)),
        {"kind": kind, "title": "Ekstra", "starts_on": day, "place": "Tønsberg"},
    )
    assert response.status_code == 400
    assert message in text(response)
    assert Gathering.objects.count() == before


# --------------------------------------------------------------------------------------------
# The pages: the event, the calendar, the network's and the team's lists
# --------------------------------------------------------------------------------------------


def test_a_national_event_is_a_page_for_the_network_and_its_teams(
    client, network, team, member, coordinator, june_day, admin, make_member, other_municipality
):
    url = reverse("improvement:gathering", args=(june_day.pk,))
    edit = reverse("improvement:gathering-edit", args=(june_day.pk,))
    for user in (coordinator, member):
        client.force_login(user)
        page = text(client.get(url))
        assert "11. juni 2026" in page
        assert "Over hele landet" in page
        assert "Spør: hva er viktig for deg?" in page
        assert edit not in page  # only an administrator changes a national event
        assert client.get(edit).status_code == 404
    client.force_login(member)
    assert "Invitasjoner på e-post" not in text(client.get(url))
    # someone in no network: not found
    stranger_unit = Unit.objects.create(
        organisation=other_municipality, kind="home_care", name="X", code="x"
    )
    client.force_login(make_member(stranger_unit, Role.IMPROVEMENT_MEMBER, username="ukjent"))
    assert client.get(url).status_code == 404
    client.force_login(admin)
    assert edit in text(client.get(url))


def test_the_calendar_lists_every_event_ahead_once(
    client, network, gatherings, team, member, coordinator, june_day
):
    conference = services.gathering_save(
        network=None,
        actor=User.objects.get(username="admin"),
        kind=Gathering.Kind.CONFERENCE,
        title="Nasjonal erfaringskonferanse",
        starts_on=date(2027, 3, 11),
        place="Oslo",
        online=True,
    )
    services.gathering_save(  # long after the network: not in its calendar
        network=None,
        actor=User.objects.get(username="admin"),
        kind=Gathering.Kind.CONFERENCE,
        title="Konferanse 2030",
        starts_on=date(2030, 3, 14),
        place="Oslo",
    )
    expected = [
        gatherings[2].pk,
        june_day.pk,
        gatherings[3].pk,
        conference.pk,
        gatherings[4].pk,
        network.gatherings.get(kind="experience").pk,
    ]
    for user in (coordinator, member):
        client.force_login(user)
        response = client.get(reverse("improvement:calendar"))
        assert [g.pk for g in response.context["events"]] == expected
        page = text(response)
        assert "Oslo og digitalt" in page
        assert "Konferanse 2030" not in page
    client.force_login(member)
    page = text(client.get(reverse("improvement:team", args=(team.pk,))))
    assert "Nasjonal erfaringskonferanse" in page
    assert "Regional erfaringssamling" in page
    client.force_login(coordinator)
    page = text(client.get(reverse("improvement:network", args=(network.code,))))
    assert reverse("improvement:gathering", args=(june_day.pk,)) in page


def test_the_gathering_as_a_calendar_file(client, gatherings, member):
    client.force_login(member)
    response = client.get(reverse("improvement:gathering-ics", args=(gatherings[2].pk,)))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 4, 20)
    assert event.decoded("dtend") == date(2026, 4, 21)
    assert str(event["location"]) == "Tønsberg"


# --------------------------------------------------------------------------------------------
# E-mail invitations
# --------------------------------------------------------------------------------------------


def test_gathering_invitations_are_sent_once_recorded_and_audited(
    client, gatherings, team, member, colleague, coordinator
):
    gathering = gatherings[2]
    url = reverse("improvement:gathering-invite", args=(gathering.pk,))
    client.force_login(coordinator)
    response = client.post(url, follow=True)
    assert "2 invitasjoner ble sendt." in messages_of(response)
    assert sorted(m.to[0] for m in mail.outbox) == ["frida@example.org", "per@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Invitasjon: Samling 2, 20. april 2026"
    assert "Når: mandag 20. april 2026" in message.body
    assert "Hvor: Tønsberg" in message.body
    assert f"/improvement/gatherings/{gathering.pk}/" in message.body
    ((name, content, kind),) = message.attachments
    assert (name, kind) == ("invitasjon.ics", "text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == date(2026, 4, 20)
    rows = EventInvitation.objects.filter(gathering=gathering).order_by("name")
    assert [(r.name, r.reason, r.sent_by_id) for r in rows] == [
        ("Frida Fjeld", "team", coordinator.pk),
        ("Per Pleier", "leader", coordinator.pk),
    ]
    sent = datetime(2026, 3, 2, 10, tzinfo=OSLO)
    assert all(timedelta(0) <= r.sent_at - sent < timedelta(minutes=5) for r in rows)
    # a second send mails nobody twice
    response = client.post(url, follow=True)
    assert "Alle inviterte har fått invitasjonen: ingenting ble sendt." in messages_of(response)
    assert len(mail.outbox) == 2
    audits = AuditEvent.objects.filter(verb=AuditVerb.INVITATIONS_SENT, target_id=gathering.pk)
    assert [(a.data["sent"], a.data["already"]) for a in audits.order_by("pk")] == [
        (2, 0),
        (0, 2),
    ]
    # the page shows who was invited and when
    page = text(client.get(reverse("improvement:gathering", args=(gathering.pk,))))
    assert "Per Pleier" in page
    assert "2. mars 2026 10:00" in page


def test_a_gathering_for_leaders_only_invites_the_leaders(
    network, gatherings, team, member, colleague, coordinator
):
    gathering = gatherings[3]
    services.gathering_save(
        network=network, actor=coordinator, gathering=gathering, invites_team=False
    )
    result = services.gathering_invitations_send(
        gathering=gathering, actor=coordinator, now=datetime(2026, 3, 2, 10, tzinfo=OSLO)
    )
    assert (result.sent, result.already, result.failed) == (1, 0, 0)
    assert [m.to for m in mail.outbox] == [["per@example.org"]]


def test_a_failed_address_is_tried_again_on_the_next_send(
    gatherings, team, member, colleague, coordinator, monkeypatch
):
    real = outbox.send_email

    def flaky(*, address, **kwargs):
        if address == "per@example.org":
            raise OSError("SMTP refused")
        real(address=address, **kwargs)

    monkeypatch.setattr(outbox, "send_email", flaky)
    now = datetime(2026, 3, 2, 10, tzinfo=OSLO)
    first = services.gathering_invitations_send(gathering=gatherings[2], actor=coordinator, now=now)
    assert (first.sent, first.failed) == (1, 1)
    failed = EventInvitation.objects.get(email="per@example.org")
    assert (failed.sent_at, failed.last_error) == (None, "SMTP refused")
    monkeypatch.setattr(outbox, "send_email", real)
    second = services.gathering_invitations_send(
        gathering=gatherings[2], actor=coordinator, now=now + timedelta(minutes=5)
    )
    assert (second.sent, second.already, second.failed) == (1, 1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["frida@example.org", "per@example.org"]


def test_inviting_a_top_leader_by_name_and_refusing_another_organisation(
    client, gatherings, team, member, coordinator, make_member, district, other_municipality
):
    gathering = gatherings[3]
    add = reverse("improvement:invitee-add", args=(gathering.pk,))
    elsewhere = Unit.objects.create(
        organisation=other_municipality, kind="administration", name="Adm", code="adm"
    )
    stranger = make_member(elsewhere, Role.UNIT_LEADER, username="annen", first_name="Anna")
    client.force_login(coordinator)
    response = client.post(add, {"person": "annen", "reason": "top_leader"}, follow=True)
    assert any(
        "Anna" in m and "arbeider ikke i en av nettverkets organisasjoner" in m
        for m in messages_of(response)
    ), messages_of(response)
    assert not EventInvitation.objects.exists()
    assert not AuditEvent.objects.filter(verb=AuditVerb.INVITEE_ADDED).exists()
    response = client.post(add, {"person": "ingen-slik", "reason": "top_leader"}, follow=True)
    assert "Ingen bruker har det brukernavnet eller den e-postadressen i Forløp." in messages_of(
        response
    )
    assert not EventInvitation.objects.exists()
    # the municipality's kommunalsjef: invited, and mailed with the next send
    chief = make_member(district, Role.UNIT_LEADER, username="sjef", first_name="Kari")
    client.post(add, {"person": "sjef@example.org", "reason": "top_leader"})
    invited = EventInvitation.objects.get()
    assert (invited.user, invited.reason, invited.added_by, invited.sent_at) == (
        chief,
        "top_leader",
        coordinator,
        None,
    )
    client.post(reverse("improvement:gathering-invite", args=(gathering.pk,)))
    assert sorted(m.to[0] for m in mail.outbox) == ["frida@example.org", "sjef@example.org"]
    assert stranger.email not in [m.to[0] for m in mail.outbox]


def test_only_the_coordinator_sends_and_not_after_the_gathering(
    client, network, gatherings, team, member, coordinator
):
    client.force_login(member)
    url = reverse("improvement:gathering-invite", args=(gatherings[2].pk,))
    assert client.post(url).status_code == 404
    add = reverse("improvement:invitee-add", args=(gatherings[2].pk,))
    assert client.post(add, {"person": "frida", "reason": "other"}).status_code == 404
    client.force_login(coordinator)
    response = client.post(
        reverse("improvement:gathering-invite", args=(gatherings[1].pk,)), follow=True
    )
    assert "Samlingen er gjennomført: invitasjoner sendes ikke lenger." in messages_of(response)
    assert mail.outbox == []
    assert not EventInvitation.objects.exists()


def test_a_national_event_invites_the_coordinators_own_teams(
    client, network, team, member, coordinator, june_day, other_municipality
):
    # another network running on the June day, with a team the coordinator does not coordinate
    other_network = Network.objects.create(
        name="Læringsnettverk Annet",
        code="annet",
        starts_on=date(2025, 9, 1),
        ends_on=date(2027, 3, 1),
    )
    other_team = Team.objects.create(
        network=other_network, organisation=other_municipality, name="Andrevik kommune"
    )
    other_team.members.create(
        name="Ola Annen", email="ola@example.org", organisation=other_municipality
    )
    client.force_login(coordinator)
    client.post(reverse("improvement:gathering-invite", args=(june_day.pk,)))
    assert [m.to for m in mail.outbox] == [["frida@example.org"]]
    assert mail.outbox[0].subject == "Invitasjon: «Hva er viktig for deg?»-dagen, 11. juni 2026"
    assert list(EventInvitation.objects.values_list("network", flat=True)) == [network.pk]
    # the administrator invites every network's teams; Frida is not mailed again
    client.force_login(User.objects.get(username="admin"))
    client.post(reverse("improvement:gathering-invite", args=(june_day.pk,)))
    assert [m.to for m in mail.outbox] == [["frida@example.org"], ["ola@example.org"]]


def test_guidance_invitations_link_to_the_teams_confirmation(
    client, network, team, member, colleague, coordinator
):
    session = services.guidance_create(
        network=network,
        actor=coordinator,
        title="Veiledning etter samling 1",
        starts_at=datetime(2026, 3, 10, 13, tzinfo=OSLO),
        teams=[team],
        online=True,
    )
    url = reverse("improvement:guidance-invite", args=(session.pk,))
    client.force_login(coordinator)
    client.post(url)
    client.post(url)
    assert sorted(m.to[0] for m in mail.outbox) == ["frida@example.org", "per@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Invitasjon til veiledning: Veiledning etter samling 1, 10. mars 2026"
    invitation = session.invitations.get()
    respond = reverse("improvement:guidance-respond", args=(team.pk, invitation.pk))
    assert respond in message.body
    assert "Hvor: Digitalt" in message.body
    (event,) = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2026, 3, 10, 13, tzinfo=OSLO)
    assert EventInvitation.objects.filter(session=session, sent_at__isnull=False).count() == 2
    # the team confirms who takes part through the link
    client.force_login(member)
    frida = team.members.get(name="Frida Fjeld")
    response = client.post(respond, {"participants": [frida.pk], "status": "", "needs": "Målinger"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert list(invitation.participants.all()) == [frida]
    # a team member cannot send
    assert client.post(url).status_code == 404
    assert len(mail.outbox) == 2
