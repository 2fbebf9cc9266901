"""Services through their rules: derived deadlines move with a gathering, late is late, and
each bad input gets a clear Norwegian message with nothing saved."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from forlop.core.identifiers import generate_synthetic
from forlop.core.models import AuditEvent, AuditVerb, Organisation
from forlop.improvement import services
from forlop.improvement.models import InterviewNote, StatusReport, TeamMember
from forlop.improvement.selectors import team_deadlines
from forlop.improvement.services import IdentityWarningError
from forlop.improvement.tests.conftest import G1, G2

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO)


def message(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


def row(deadlines, code):
    return next(r for rows in deadlines.tasks.values() for r in rows if r.task.code == code)


def test_moving_a_gathering_moves_the_derived_due_dates(team, gatherings, coordinator):
    # given the team's deadlines with gathering 2 on 20 April
    before = team_deadlines(team, today=date(2026, 2, 1))
    assert row(before, "after1-aims").due == G2 - timedelta(days=42)
    assert before.reports[1].due == date(2026, 4, 13)
    # when the coordinator moves gathering 2 two weeks later
    second = gatherings[2]
    services.gathering_save(
        network=team.network, actor=coordinator, gathering=second, starts_on=G2 + timedelta(days=14)
    )
    # then the tasks and the status report of the phase before it move with it, no others
    after = team_deadlines(team, today=date(2026, 2, 1))
    assert row(after, "after1-aims").due == G2 + timedelta(days=14) - timedelta(days=42)
    assert after.reports[1].due == date(2026, 4, 27)
    assert row(after, "prep-anchor").due == row(before, "prep-anchor").due
    assert row(after, "after2-user-role").due == row(before, "after2-user-role").due
    moved = AuditEvent.objects.get(verb=AuditVerb.GATHERING_MOVED)
    assert moved.data == {"from": "2026-04-20", "to": "2026-05-04"}


def test_a_late_status_report_is_late_and_stays_late_when_submitted(team, gatherings, member):
    first = gatherings[1]
    # before the deadline: not late; a day after it, late
    assert team_deadlines(team, today=date(2026, 1, 13)).reports[0].status == "due_soon"
    assert team_deadlines(team, today=date(2026, 1, 14)).reports[0].status == "overdue"
    with time_machine.travel(at(date(2026, 1, 15)), tick=False):
        report = services.status_report_for(
            team=team,
            gathering=first,
            actor=member,
            today=date(2026, 1, 15),
            as_of=at(date(2026, 1, 15)),
        )
        services.status_report_save(
            report=report,
            actor=member,
            sections={"work_done": "Vi har startet."},
            today=date(2026, 1, 15),
        )
        services.status_report_submit(report=report, actor=member, now=at(date(2026, 1, 15)))
    deadlines = team_deadlines(team, today=date(2026, 2, 1))
    assert deadlines.reports[0].status == "done_late"
    assert deadlines.reports[0].late
    assert report.versions.get().late is True


def test_a_report_submitted_before_the_deadline_is_locked_with_a_version(
    team, gatherings, member, coordinator
):
    second = gatherings[2]
    day = date(2026, 4, 10)
    report = services.status_report_for(
        team=team, gathering=second, actor=member, today=day, as_of=at(day)
    )
    services.status_report_save(
        report=report, actor=member, sections={"challenges": "Tid."}, today=day
    )
    services.status_report_submit(report=report, actor=member, now=at(day))
    report.refresh_from_db()
    assert report.state == StatusReport.State.SUBMITTED
    assert team_deadlines(team, today=date(2026, 5, 1)).reports[1].status == "done"
    (version,) = report.versions.all()
    assert (version.number, version.late, version.sections["challenges"]) == (1, False, "Tid.")
    # locked: no edit, no second submission
    with pytest.raises(ValidationError) as error:
        services.status_report_save(
            report=report, actor=member, sections={"challenges": "x"}, today=day
        )
    assert message(error) == "Rapporten er sendt inn og låst."
    report.refresh_from_db()
    assert report.challenges == "Tid."
    # the coordinator opens it again; the version stays and a second one follows
    services.status_report_reopen(report=report, actor=coordinator, reason="Mangler målinger")
    services.status_report_submit(report=report, actor=member, now=at(day + timedelta(days=1)))
    assert list(report.versions.values_list("number", flat=True)) == [1, 2]
    assert AuditEvent.objects.filter(verb=AuditVerb.STATUS_REPORT_SUBMITTED).count() == 2


def test_a_status_report_after_the_networks_end_is_refused(team, gatherings, member):
    fourth = gatherings[4]
    day = date(2027, 7, 1)
    report = services.status_report_for(
        team=team, gathering=fourth, actor=member, today=day, as_of=at(day)
    )
    services.status_report_save(
        report=report, actor=member, sections={"work_done": "Ferdig."}, today=day
    )
    after_end = date(2027, 7, 21)
    with pytest.raises(ValidationError) as error:
        services.status_report_submit(report=report, actor=member, now=at(after_end))
    assert message(error) == (
        "Nettverket ble avsluttet 20. juli 2027: statusrapporter kan ikke lenger skrives eller sendes inn."
    )
    report.refresh_from_db()
    assert (report.state, report.versions.count()) == ("draft", 0)
    # nor can a new one be started
    StatusReport.objects.all().delete()
    with pytest.raises(ValidationError):
        services.status_report_for(
            team=team, gathering=fourth, actor=member, today=after_end, as_of=at(after_end)
        )
    assert not StatusReport.objects.exists()


def test_a_gathering_before_the_network_starts_is_refused(network, coordinator, gatherings):
    with pytest.raises(ValidationError) as error:
        services.gathering_save(
            network=network,
            actor=coordinator,
            kind="other",
            title="Oppstartsmøte",
            starts_on=date(2025, 10, 1),
            place="Horten",
        )
    assert message(error) == "En samling kan ikke være før nettverket starter (20. oktober 2025)."
    first = gatherings[1]
    with pytest.raises(ValidationError):
        services.gathering_save(
            network=network, actor=coordinator, gathering=first, starts_on=date(2025, 9, 1)
        )
    first.refresh_from_db()
    assert first.starts_on == G1
    assert network.gatherings.count() == 5
    assert not AuditEvent.objects.filter(verb=AuditVerb.GATHERING_MOVED).exists()


def test_gatherings_stay_in_order(network, coordinator, gatherings):
    with pytest.raises(ValidationError) as error:
        services.gathering_save(
            network=network, actor=coordinator, gathering=gatherings[2], starts_on=date(2026, 11, 1)
        )
    assert message(error) == "Samling 2 må komme etter samlingen før og før den neste."


def test_what_matters_day_is_in_june(network, coordinator, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "r@example.invalid", "x" * 12)
    with pytest.raises(ValidationError) as error:
        services.gathering_save(
            network=None,
            actor=admin,
            kind="what_matters_day",
            starts_on=date(2026, 5, 6),
            place="Norge",
        )
    assert message(error) == "«Hva er viktig for deg?»-dagen er i juni."


def test_a_member_from_another_organisation_needs_an_invitation(team, member, other_municipality):
    with pytest.raises(ValidationError) as error:
        services.team_member_add(
            team=team, actor=member, name="Per Fastlege", organisation=other_municipality
        )
    assert message(error) == (
        "Per Fastlege arbeider i Andrevik kommune, ikke i Testvik kommune: skriv inn invitasjonen "
        "(hvem som inviterte og hvorfor) for å legge personen til i teamet."
    )
    assert list(team.members.values_list("name", flat=True)) == ["Frida Fjeld"]
    assert not AuditEvent.objects.filter(
        verb=AuditVerb.TEAM_MEMBER_ADDED, data__invited=True
    ).exists()
    invited = services.team_member_add(
        team=team,
        actor=member,
        name="Per Fastlege",
        organisation=other_municipality,
        invitation="Invitert av teamleder som fastlegenes representant.",
    )
    assert invited.invitation == "Invitert av teamleder som fastlegenes representant."
    assert AuditEvent.objects.filter(
        verb=AuditVerb.TEAM_MEMBER_ADDED, target_id=invited.pk
    ).get().data == {
        "team": team.pk,
        "invited": True,
    }


def test_a_new_leader_takes_over_the_role(team, member):
    services.team_member_add(
        team=team, actor=member, name="A", organisation=team.organisation, is_leader=True
    )
    services.team_member_add(
        team=team, actor=member, name="B", organisation=team.organisation, is_leader=True
    )
    assert list(team.members.filter(is_leader=True).values_list("name", flat=True)) == ["B"]


def test_an_interview_note_with_an_identity_number_is_saved_only_after_confirmation(team, member):
    number = generate_synthetic(date(1941, 3, 4), rng=random.Random(7))
    text = f"Pasienten ({number}) savnet informasjon om medisinene."
    fields = {
        "team": team,
        "actor": member,
        "number": 1,
        "interviewee": "patient",
        "works_well": "Kom raskt.",
        "works_badly": text,
        "ideas": "",
        "today": date(2025, 12, 1),
    }
    with pytest.raises(IdentityWarningError) as warning:
        services.interview_save(**fields, confirmed=False)
    assert message(warning) == "Notatet kan identifisere en person: sjekk det før du lagrer."
    assert [f.kind for f in warning.value.findings] == ["identity_number"]
    assert number not in warning.value.findings[0].shown
    assert not InterviewNote.objects.exists()
    assert not AuditEvent.objects.filter(verb=AuditVerb.INTERVIEW_SAVED).exists()
    note = services.interview_save(**fields, confirmed=True)
    assert note.confirmed_warnings == ["identity_number"]
    audit = AuditEvent.objects.get(verb=AuditVerb.INTERVIEW_SAVED)
    assert audit.data == {"team": team.pk, "number": 1, "warnings_confirmed": ["identity_number"]}
    assert number not in str(audit.data)


def test_only_members_write_the_teams_work_and_only_coordinators_run_the_network(
    team, member, coordinator, network, gatherings, make_member, district
):
    from forlop.core.models import Role

    outsider = make_member(district, Role.PRIMARY_CONTACT, username="nurse2")
    with pytest.raises(PermissionDenied):
        services.task_mark_done(
            team=team,
            actor=outsider,
            code="prep-team",
            done_on=date(2025, 12, 1),
            today=date(2025, 12, 1),
        )
    with pytest.raises(PermissionDenied):
        services.task_mark_done(
            team=team,
            actor=coordinator,
            code="prep-team",
            done_on=date(2025, 12, 1),
            today=date(2025, 12, 1),
        )
    with pytest.raises(PermissionDenied):
        services.gathering_save(
            network=network, actor=member, gathering=gatherings[1], starts_on=G1 + timedelta(days=1)
        )
    assert not team.task_completions.exists()
    gatherings[1].refresh_from_db()
    assert gatherings[1].starts_on == G1
    services.task_mark_done(
        team=team,
        actor=member,
        code="prep-team",
        done_on=date(2025, 12, 1),
        today=date(2025, 12, 1),
    )
    assert list(team.task_completions.values_list("task_code", flat=True)) == ["prep-team"]


def test_derived_tasks_cannot_be_ticked_and_nothing_is_done_in_the_future(team, member):
    with pytest.raises(ValidationError) as error:
        services.task_mark_done(
            team=team,
            actor=member,
            code="prep-send",
            done_on=date(2025, 12, 1),
            today=date(2025, 12, 1),
        )
    assert message(error) == "Denne oppgaven er gjort når teamets data viser det."
    with pytest.raises(ValidationError) as error:
        services.task_mark_done(
            team=team,
            actor=member,
            code="prep-team",
            done_on=date(2025, 12, 2),
            today=date(2025, 12, 1),
        )
    assert message(error) == "En oppgave kan ikke være gjort fram i tid."
    assert not team.task_completions.exists()


def test_an_aim_follows_a_measure_the_team_has(team, member, default_measures):
    from forlop.improvement.selectors import team_measures
    from forlop.measures.models import Measure

    available = team_measures(team)
    hph2 = Measure.objects.get(code="hph2-within-3-days")
    readmission = Measure.objects.get(code="readmission-30-days")
    aim = services.aim_create(
        team=team,
        actor=member,
        statement="90 % får HPH2 innen tre dager",
        measure=hph2,
        available=available,
        target_percent_or_value=90,
        target_date=date(2026, 10, 1),
        balancing=[readmission],
        today=date(2026, 2, 1),
    )
    assert aim.target_value == 0.9
    assert list(aim.aim_measures.values_list("measure__code", "role")) == [
        ("hph2-within-3-days", "outcome"),
        ("readmission-30-days", "balancing"),
    ]
    other = Measure.objects.create(
        organisation=Organisation.objects.create(
            kind="municipality", name="X", code="x", org_number="910000009"
        ),
        code="own",
        name="Own",
        numerator="n",
        period="week",
        boundary="registered",
        direction="up",
        chart="c",
    )
    with pytest.raises(ValidationError) as error:
        services.aim_create(
            team=team,
            actor=member,
            statement="x",
            measure=other,
            available=available,
            today=date(2026, 2, 1),
        )
    assert message(error) == "Velg målepunkter teamet har."
    assert team.aims.count() == 1


def test_guidance_is_confirmed_with_status_and_needs(network, team, member, coordinator):
    session = services.guidance_create(
        network=network,
        actor=coordinator,
        title="Veiledning 1",
        starts_at=at(date(2026, 2, 24), 13),
        teams=[team],
    )
    invitation = session.invitations.get()
    frida = TeamMember.objects.get(user=member)
    services.guidance_respond(
        invitation=invitation,
        actor=member,
        participants=[frida],
        status="Vi har målt HPH2.",
        needs="Kjøringsdiagram",
        now=at(date(2026, 2, 20)),
    )
    invitation.refresh_from_db()
    assert invitation.confirmed_at == at(date(2026, 2, 20))
    assert list(invitation.participants.all()) == [frida]
    services.guidance_notes_save(invitation=invitation, actor=coordinator, notes="Godt i gang.")
    invitation.refresh_from_db()
    assert invitation.guide_notes == "Godt i gang."
    with pytest.raises(ValidationError):
        services.guidance_respond(
            invitation=invitation,
            actor=member,
            participants=[frida],
            status="x",
            needs="",
            now=at(date(2026, 2, 25)),
        )
    invitation.refresh_from_db()
    assert invitation.status == "Vi har målt HPH2."
