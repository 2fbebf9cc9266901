"""The Horten team's work in the current network (the ``forbedring`` login), its status report
being drafted, and its annotation of the change the measures demo shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from forlop.core.models import User
from forlop.demo.improvement.shared import (
    INTERVIEWS,
    at_hour,
)
from forlop.demo.measures import CHANGE_TEXT
from forlop.improvement import rules, services
from forlop.improvement.models import (
    Aim,
    Annotation,
    Gathering,
    StatusReport,
    StatusReportVersion,
    TaskCompletion,
    Team,
)
from forlop.measures.models import Measure, ScopeLevel


def horten_work_load(
    team: Team, *, member: User, coordinator: User, gatherings: dict[int, Gathering], today: date
) -> None:
    g1 = gatherings[1].starts_on
    services.team_update(
        team=team,
        actor=member,
        description=team.description,
        line_manager="Kari Moen, kommunalsjef helse og omsorg",
        anchored_on=g1 - timedelta(days=80),
        anchored_with="Kommunalsjef helse og omsorg og lederne i hjemmetjenesten",
        today=today,
    )
    for number, (who, well, badly, ideas) in enumerate(INTERVIEWS, start=1):
        services.interview_save(
            team=team,
            actor=member,
            number=number,
            interviewee=who,
            works_well=well,
            works_badly=badly,
            ideas=ideas,
            confirmed=False,
            today=today,
        )
    services.interview_summary_save(
        team=team,
        actor=member,
        summary=(
            "Pasientene er trygge når de kjenner dem som kommer. Det som svikter er informasjon om "
            "legemidler ved utskrivning, avtale med fastlegen etter hjemkomst og oppfølgingen etter "
            "fire uker. Ingen ble spurt om hva som var viktig for dem."
        ),
    )
    for title, text in (
        (
            "Legemiddelinformasjon ved utskrivning",
            "Avstemming av legemiddellisten innen tre dager.",
        ),
        ("Fastlegetime innen 14 dager", "Tildelingskontoret avtaler timen før hjemkomst."),
        ("«Hva er viktig for deg?» i første samtale", "Spør før tjenestene planlegges."),
    ):
        services.improvement_area_add(team=team, actor=member, title=title, description=text)
    done = {
        "prep-anchor": g1 - timedelta(days=80),
        "prep-team": g1 - timedelta(days=70),
        "prep-work-plan": g1 - timedelta(days=25),
        "prep-poster": g1 - timedelta(days=3),
        "after1-needs": g1 + timedelta(days=20),
    }
    for code, day in done.items():
        services.task_mark_done(team=team, actor=member, code=code, done_on=day, today=today)
    TaskCompletion.objects.filter(team=team, task_code="after1-needs").update(
        note="Gjennomgang av intervjuene og målingene på teammøtet."
    )
    # Written when they happened (the interview notes and the report for gathering 1).
    team.interviews.update(created_at=at_hour(g1 - timedelta(days=40)))
    measure = Measure.objects.filter(organisation=None, code="hph2-within-3-days").first()
    balancing = Measure.objects.filter(organisation=None, code="readmission-30-days").first()
    if measure is not None:
        aim = services.aim_create(
            team=team,
            actor=member,
            statement="Minst 90 % av dem som kommer hjem fra sykehus får strukturert oppfølging (HPH2) innen tre dager",
            description="Primærkontakt planlegger besøket før hjemreise; tildelingskontoret varsler.",
            measure=measure,
            available=[measure, *([balancing] if balancing else [])],
            target_percent_or_value=90,
            target_date=gatherings[3].starts_on,
            balancing=[balancing] if balancing else [],
            today=today,
        )
        Aim.objects.filter(pk=aim.pk).update(created_at=at_hour(g1 + timedelta(days=30)))
    submitted_report_load(
        team,
        gatherings[1],
        member,
        at=at_hour(gatherings[1].starts_on - timedelta(days=8), 14),
        work_done=(
            "Arbeidet er forankret hos kommunalsjef. Teamet er etablert med faste møter annenhver "
            "tirsdag. Vi har intervjuet fem pasienter og pårørende.\n\nArbeidsplan: teammøte "
            "annenhver uke, måling av HPH2 hver måned, informasjon til hjemmetjenesten på "
            "personalmøtene."
        ),
    )
    services.poster_save(
        team=team,
        gathering=gatherings[1],
        actor=member,
        headline="Trygg hjemkomst: riktig hjelp de første tre dagene",
        photo_text="",
    )
    # The report for gathering 2 is being written: drafted by the system from the team's data.
    services.status_report_for(
        team=team, gathering=gatherings[2], actor=member, today=today, as_of=timezone.now()
    )


def submitted_report_load(
    team: Team, gathering: Gathering, user: User | None, *, at: datetime, work_done: str
) -> None:
    report, _created = StatusReport.objects.get_or_create(
        team=team,
        gathering=gathering,
        defaults={
            "work_done": work_done,
            "state": StatusReport.State.SUBMITTED,
            "submitted_at": at,
            "submitted_by": user,
        },
    )
    StatusReportVersion.objects.get_or_create(
        report=report,
        number=1,
        defaults={
            "sections": {"work_done": work_done},
            "submitted_at": at,
            "submitted_by": user,
            "late": timezone.localtime(at).date() > rules.status_report_due(gathering.starts_on),
        },
    )


def annotations_load(changed: date) -> int:
    """The change on the charts it moved: HPH2 within 3 days and the trial's 3-of-4 measure."""
    created = 0
    for measure in Measure.objects.filter(
        organisation=None, code__in=("hph2-within-3-days", "main-checklists-3-of-4")
    ).order_by("pk"):
        for level, code in (
            (ScopeLevel.MUNICIPALITY, "horten"),
            (ScopeLevel.UNIT, "horten-nord"),
        ):
            _note, was_created = Annotation.objects.get_or_create(
                measure=measure, level=level, scope_code=code, date=changed, text=CHANGE_TEXT
            )
            created += was_created
    return created
