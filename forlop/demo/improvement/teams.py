"""The current network's other teams (early, on time and late), guidance and evaluations."""

from __future__ import annotations

import random
from datetime import date, timedelta

from forlop.core.models import User
from forlop.demo.improvement.horten import (
    submitted_report_load,
)
from forlop.demo.improvement.shared import (
    at_hour,
)
from forlop.improvement import rules, services
from forlop.improvement.models import (
    Answer,
    Gathering,
    GuidanceInvitation,
    Material,
    Network,
    Response,
    TaskCompletion,
    Team,
)


def other_teams_load(
    teams: dict[str, Team], *, gatherings: dict[int, Gathering], today: date
) -> None:
    g1 = gatherings[1].starts_on
    text = "Teamet er etablert, og vi har intervjuet pasienter. Arbeidsplan med faste møter."
    # Tønsberg sent its report for gathering 1 late, Sandefjord on time; Holmestrand and
    # Færder did not send one (shown as late).
    submitted_report_load(
        teams["Tønsberg"], gatherings[1], None, at=at_hour(g1 - timedelta(days=3)), work_done=text
    )
    submitted_report_load(
        teams["Sandefjord"], gatherings[1], None, at=at_hour(g1 - timedelta(days=9)), work_done=text
    )
    submitted_report_load(
        teams["Sykehuset i Vestfold"],
        gatherings[1],
        None,
        at=at_hour(g1 - timedelta(days=7)),
        work_done=text,
    )
    for name, codes in (
        ("Tønsberg", ("prep-anchor", "prep-team", "prep-work-plan")),
        (
            "Sandefjord",
            ("prep-anchor", "prep-team", "prep-work-plan", "prep-poster", "after1-needs"),
        ),
        ("Holmestrand", ("prep-team",)),
        ("Sykehuset i Vestfold", ("prep-anchor", "prep-team")),
    ):
        TaskCompletion.objects.bulk_create(
            TaskCompletion(
                team=teams[name], task_code=code, done_on=min(today, g1 - timedelta(days=20))
            )
            for code in codes
        )


def guidance_load(
    network: Network,
    teams: dict[str, Team],
    *,
    coordinator: User,
    member: User,
    gatherings: dict[int, Gathering],
    today: date,
) -> None:
    first_window = rules.guidance_window_after_first(gatherings[1].starts_on)
    first = services.guidance_create(
        network=network,
        actor=coordinator,
        title="Veiledning etter samling 1",
        starts_at=at_hour(first_window[0] + timedelta(days=7), 13),
        online=True,
        teams=list(teams.values()),
    )
    horten = GuidanceInvitation.objects.get(session=first, team=teams["Horten"])
    participants = list(teams["Horten"].members.filter(name__in=("Frida Fjeld", "Hilde Strand")))
    horten.participants.set(participants)
    GuidanceInvitation.objects.filter(pk=horten.pk).update(
        confirmed_at=at_hour(first_window[0], 9),
        sent_at=at_hour(first_window[0], 9),
        status="Intervjuene er oppsummert, og vi har valgt HPH2 innen tre dager som første mål.",
        needs="Hvordan lage et kjøringsdiagram for HPH2 per måned, og hvordan involvere fastlegene?",
        guide_notes=(
            "Godt forankret. Anbefalt å starte med én endring (planlegging av HPH2 før hjemreise) "
            "og å notere endringen som en merknad i diagrammet."
        ),
    )
    midway = rules.guidance_midway(gatherings[2].starts_on, gatherings[3].starts_on)
    services.guidance_create(
        network=network,
        actor=coordinator,
        title="Veiledning midtveis mellom samling 2 og 3",
        starts_at=at_hour(midway, 13),
        place="Tønsberg",
        teams=list(teams.values()),
    )


def evaluation_load(gathering: Gathering, *, coordinator: User, today: date) -> None:
    survey = services.survey_create(
        gathering=gathering, actor=coordinator, closes_on=gathering.starts_on + timedelta(days=14)
    )
    Material.objects.bulk_create(
        [
            Material(
                gathering=gathering,
                title="Gode pasientforløp – hva innebærer det og hvorfor er det viktig? (opptak)",
                url="https://vimeo.com/390359926",
                added_by=coordinator,
            ),
            Material(
                gathering=gathering,
                title="Gode pasientforløp hos KS: kunnskapsgrunnlag og verktøy",
                url="https://www.ks.no/pasientforlop",
                added_by=coordinator,
            ),
        ]
    )
    questions = list(survey.questions.order_by("order"))
    rng = random.Random(61)
    texts = ("Postervandringen", "Tid til eget arbeid i teamet", "Innlegget om HPH", "", "", "", "")
    for index in range(7):  # seven participants answered (no receipts: demo answers)
        response = Response.objects.create(survey=survey)
        for question in questions:
            if question.kind == "scale":
                Answer.objects.create(
                    response=response, question=question, value=rng.choice((3, 4, 4, 5, 5))
                )
            elif question.kind == "yes_no":
                Answer.objects.create(
                    response=response, question=question, value=rng.choice((0, 1, 1))
                )
            elif question.order == 4 and texts[index]:
                Answer.objects.create(response=response, question=question, text=texts[index])
