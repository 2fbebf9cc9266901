"""Demo data for the learning network (run after the measures demo, by ``forlop demo``).

* The programme's networks 2014-2023 with their municipalities and hospital trusts
  (``demo_networks``), as records with their periods.
* The demo's current network, "Læringsnettverk Vestfold", guided by the demo's development
  centre (the ``koordinator`` login): dates relative to ``today``, so the Horten team (the
  ``forbedring`` login) is between gatherings 1 and 2, with the preparation done, five
  interview notes, an aim on the HPH2 measure, guidance after gathering 1, a status report
  for gathering 2 being drafted, and other teams early, on time and late.
* The Horten team's annotation of the change that the measures demo history shows.

Idempotent: rows are found by natural keys; the current network's content is written once
(when it has no teams yet). No patient data: interview notes name nobody.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from forlop.core.identifiers import generate_org_number
from forlop.core.models import Organisation, User
from forlop.demo.measures import CHANGE_TEXT, change_date
from forlop.demo.networks import GUIDES, NETWORKS, TRUSTS
from forlop.improvement import rules, services
from forlop.improvement.models import (
    Aim,
    Annotation,
    Answer,
    Gathering,
    GuidanceInvitation,
    Material,
    Network,
    Response,
    StatusReport,
    StatusReportVersion,
    TaskCompletion,
    Team,
)
from forlop.measures.models import Measure, ScopeLevel

LIVE = "vestfold"
VESTFOLD = ("Horten", "Tønsberg", "Sandefjord", "Holmestrand", "Færder")
THEMES = {
    1: "Felles forståelse for behovet for endring\nHvordan komme i gang?\nHPH og «Hva er viktig for deg?»\nModell for kvalitetsforbedring og målepunkter\nPostervandring",
    2: "Tidlig identifisering av helse- og funksjonsfall\nKompetanse\n«Hva er viktig for deg?»-samtalen i praksis\nMåling i forbedringsarbeid",
    3: "Evaluere eget forbedringsarbeid\nJustere mål og plan for de neste ni månedene\nMåleverksted\nSykehus og kommuner: samarbeidet",
    4: "Presentere forbedringsarbeidet\nPlan for kontinuerlig forbedring\nNye rutiner inn i kvalitetssystemet",
}
INTERVIEWS = (
    (
        "patient",
        "Hjemmetjenesten kom samme dag som hjemkomst. Trygt å vite hvem som var primærkontakt.",
        "Ingen visste hvilke medisiner som var endret på sykehuset. Måtte fortelle det samme til mange.",
        "Ønsker en fast person å ringe til.",
    ),
    (
        "both",
        "Pårørende fikk være med på utskrivningssamtalen på telefon.",
        "Epikrisen kom først etter en uke. Fastlegetimen ble ikke avtalt.",
        "",
    ),
    (
        "patient",
        "Fysioterapeuten kom raskt og laget en plan for trening hjemme.",
        "Ble ikke spurt om hva som var viktig. Hjelpen passet ikke med dagsrytmen.",
        "Spør hva som er viktig før tjenestene planlegges.",
    ),
    (
        "next_of_kin",
        "God informasjon fra sykehuset om når utskrivningen skjedde.",
        "Ingen oppfølging etter fire uker. Pårørende måtte selv ta kontakt da det gikk dårligere.",
        "Fast evalueringssamtale etter fire uker.",
    ),
    (
        "patient",
        "Kjente igjen de som kom. Tryggere enn sist.",
        "Tre ulike personer på en dag, og ingen visste om fallet forrige uke.",
        "",
    ),
)
MEMBERS = {
    "Horten": (
        ("Frida Fjeld", "forbedring", "Rådgiver, helse og omsorg", True, True),
        ("Hilde Strand", None, "Sykepleier, hjemmetjenesten nord", False, False),
        ("Ola Bakke", None, "Fysioterapeut", False, False),
        ("Siri Moe", None, "Avdelingsleder, tildelingskontoret", False, False),
    ),
    "Tønsberg": (
        ("Marte Nes", None, "Fagutviklingssykepleier", True, False),
        ("Kristian Vik", None, "Ergoterapeut", False, True),
    ),
    "Sandefjord": (("Ingvild Åsen", None, "Enhetsleder hjemmetjenesten", True, True),),
    "Holmestrand": (("Jonas Lie", None, "Sykepleier", True, False),),
    "Færder": (("Camilla Tveit", None, "Rådgiver", True, True),),
    "Sykehuset i Vestfold": (
        ("Anette Rød", None, "Fagsykepleier, medisinsk sengepost", True, False),
    ),
}
DESCRIPTIONS = {
    "Horten": (
        "Horten har om lag 28 000 innbyggere. Hjemmetjenesten er delt i nord og sør, med "
        "tildelingskontor, helsehus med korttid og rehabilitering, og legevakt. Mange eldre bor "
        "alene, og de fleste kommer hjem fra Sykehuset i Vestfold i Tønsberg. Det som utfordrer "
        "forløpene: informasjon om legemidler ved utskrivning, og at fastlegetimen etter hjemkomst "
        "ikke blir avtalt."
    ),
}


def _code(name: str) -> str:
    text = name.replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = text.replace("Æ", "Ae").replace("Ø", "O").replace("Å", "A")
    return slugify(text)


def _organisations(rng: random.Random) -> dict[str, Organisation]:
    """Every municipality, trust and guiding organisation of the networks (by code)."""
    wanted: dict[str, tuple[str, str]] = {}
    for code, name in GUIDES:
        wanted[code] = (Organisation.Kind.COORDINATION, name)
    for code, name in TRUSTS:
        wanted[code] = (Organisation.Kind.HOSPITAL_TRUST, name)
    for row in NETWORKS:
        for name in row.municipalities:
            base, _sep, where = name.partition(" (")
            label = f"{base} kommune" + (f" ({where}" if where else "")
            wanted.setdefault(_code(name), (Organisation.Kind.MUNICIPALITY, label))
    existing = {org.code: org for org in Organisation.objects.filter(code__in=wanted)}
    used = set(Organisation.objects.values_list("org_number", flat=True))
    new: list[Organisation] = []
    for code, (kind, name) in sorted(wanted.items()):
        number = generate_org_number(rng)  # drawn always, so the sequence is stable
        while number in used:
            number = generate_org_number(rng)
        used.add(number)
        if code not in existing:
            new.append(Organisation(code=code, kind=kind, name=name, org_number=number))
    Organisation.objects.bulk_create(new)
    return {org.code: org for org in Organisation.objects.filter(code__in=wanted)}


def _history(orgs: dict[str, Organisation]) -> int:
    created = 0
    for row in NETWORKS:
        network, was_created = Network.objects.get_or_create(
            code=row.code,
            defaults={
                "name": f"Læringsnettverk {row.area}"
                if not row.area.startswith("Læringsnettverk")
                else row.area,
                "region": row.area,
                "starts_on": date(row.first_year, 1, 1),
                "ends_on": date(row.last_year, 12, 31),
                "hospital_trust": orgs.get(row.trusts[0]) if row.trusts else None,
                "health_community": f"Helsefellesskapet {row.area}"
                if row.first_year >= 2020
                else "",
                "coordinator": orgs.get(row.guide)
                or Organisation.objects.filter(code=row.guide).first(),
            },
        )
        created += was_created
        network.members.add(
            *[orgs[_code(name)] for name in row.municipalities],
            *[orgs[code] for code in row.trusts],
        )
    return created


def _national_events(today: date) -> None:
    for year in range(today.year - 1, today.year + 3):
        Gathering.objects.get_or_create(
            network=None,
            kind=Gathering.Kind.CONFERENCE,
            starts_on=date(year, 3, 17) if year == 2022 else date(year, 3, 12),
            defaults={
                "title": "Nasjonal erfaringskonferanse",
                "place": "Oslo",
                "online": True,
                "themes": "Forbedringsteam fra hele landet presenterer arbeidet sitt\n"
                "Erfaringer med «hva er viktig for deg?»-samtalen",
            },
        )
        Gathering.objects.get_or_create(
            network=None,
            kind=Gathering.Kind.WHAT_MATTERS_DAY,
            starts_on__year=year,
            defaults={
                "starts_on": rules.what_matters_day(year),
                "title": "«Hva er viktig for deg?»-dagen",
                "place": "Over hele landet",
                "themes": "Spør: hva er viktig for deg?\nLytt til svaret!\nFølg opp det som er "
                "viktig, sammen!",
            },
        )


def _demo_email(name: str) -> str:
    """A reserved-domain address for a demo person (``example.org``: never delivered)."""
    local = name.lower().translate(str.maketrans({"æ": "ae", "ø": "o", "å": "a", " ": "."}))
    return f"{local}@example.org"


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def load_improvement_demo(*, today: date) -> int:
    """Create what is missing; return the number of new networks (and live-network rows)."""
    rng = random.Random(2026)
    orgs = _organisations(rng)
    created = _history(orgs)
    _national_events(today)
    created += _live_network(today=today, orgs=orgs)
    _annotate(change_date(today))
    return created


def _live_network(*, today: date, orgs: dict[str, Organisation]) -> int:
    guide = Organisation.objects.filter(code="usht-vestfold").first()
    coordinator = User.objects.filter(username="koordinator").first()
    member = User.objects.filter(username="forbedring").first()
    horten = Organisation.objects.filter(code="horten").first()
    if guide is None or coordinator is None or member is None or horten is None:
        return 0  # the core demo has not run
    first = today - timedelta(days=45)
    schedule = rules.suggested_schedule(first)
    network, _created = Network.objects.get_or_create(
        code=LIVE,
        defaults={
            "name": "Læringsnettverk Vestfold",
            "region": "Vestfold",
            "starts_on": schedule.preparation_starts,
            "ends_on": schedule.ends,
            "coordinator": guide,
        },
    )
    if network.teams.exists():
        return 0
    network.region, network.health_community = "Vestfold", "Helsefellesskapet i Vestfold"
    network.hospital_trust = orgs.get("siv")
    network.starts_on, network.ends_on = schedule.preparation_starts, schedule.ends
    network.coordinator = guide
    network.save()
    network.coordinators.add(coordinator)
    places = ("Tønsberg", "Horten", "Sandefjord", "Tønsberg")
    titles = (
        "Hvordan komme i gang",
        "Fra mål til tiltak",
        "Evaluere og justere",
        "Begynnelsen på fortsettelsen",
    )
    gatherings: dict[int, Gathering] = {}
    for number, day in enumerate(schedule.gatherings, start=1):
        invitation = rules.default_invitation(number)
        gatherings[number] = services.gathering_save(
            network=network,
            actor=coordinator,
            kind=Gathering.Kind.GATHERING,
            number=number,
            title=titles[number - 1],
            starts_on=day,
            ends_on=day + timedelta(days=1) if number in (1, 3) else None,
            place=places[number - 1],
            themes=THEMES[number],
            invites_team=invitation.team,
            invites_leaders=invitation.leaders,
            invites_top_leaders=invitation.top_leaders,
        )
    services.gathering_save(
        network=network,
        actor=coordinator,
        kind=Gathering.Kind.EXPERIENCE,
        title="Regional erfaringssamling",
        starts_on=schedule.experience_gathering,
        place="Tønsberg",
    )
    teams = {}
    for name in VESTFOLD:
        org = orgs[_code(name)]
        teams[name] = services.team_create(
            network=network,
            actor=coordinator,
            organisation=org,
            name=org.name,
            description=DESCRIPTIONS.get(name, ""),
        )
    teams["Sykehuset i Vestfold"] = services.team_create(
        network=network,
        actor=coordinator,
        organisation=orgs["siv"],
        name="Sykehuset i Vestfold, medisinsk sengepost",
    )
    for name, rows in MEMBERS.items():
        team = teams[name]
        for person, username, function, leader, measurement in rows:
            services.team_member_add(
                team=team,
                actor=coordinator,
                name=person,
                user=User.objects.filter(username=username).first() if username else None,
                organisation=team.organisation,
                function=function,
                # Members without an account get a demo address, so invitations reach them.
                email="" if username else _demo_email(person),
                is_leader=leader,
                is_measurement_lead=measurement,
            )
    horten_team = teams["Horten"]
    services.team_member_add(
        team=horten_team,
        actor=member,
        name="Lars Larsen",
        organisation=orgs.get("horten-legesenter")
        or Organisation.objects.get(code="horten-legesenter"),
        function="Fastlege",
        invitation="Invitert av teamleder som fastlegenes representant i teamet.",
    )
    _horten_work(
        horten_team, member=member, coordinator=coordinator, gatherings=gatherings, today=today
    )
    _other_teams(teams, gatherings=gatherings, today=today)
    _guidance(
        network, teams, coordinator=coordinator, member=member, gatherings=gatherings, today=today
    )
    _evaluation(gatherings[1], coordinator=coordinator, today=today)
    return 1


def _horten_work(
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
    team.interviews.update(created_at=_at(g1 - timedelta(days=40)))
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
        Aim.objects.filter(pk=aim.pk).update(created_at=_at(g1 + timedelta(days=30)))
    _submitted_report(
        team,
        gatherings[1],
        member,
        at=_at(gatherings[1].starts_on - timedelta(days=8), 14),
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


def _submitted_report(
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


def _other_teams(teams: dict[str, Team], *, gatherings: dict[int, Gathering], today: date) -> None:
    g1 = gatherings[1].starts_on
    text = "Teamet er etablert, og vi har intervjuet pasienter. Arbeidsplan med faste møter."
    # Tønsberg sent its report for gathering 1 late, Sandefjord on time; Holmestrand and
    # Færder did not send one (shown as late).
    _submitted_report(
        teams["Tønsberg"], gatherings[1], None, at=_at(g1 - timedelta(days=3)), work_done=text
    )
    _submitted_report(
        teams["Sandefjord"], gatherings[1], None, at=_at(g1 - timedelta(days=9)), work_done=text
    )
    _submitted_report(
        teams["Sykehuset i Vestfold"],
        gatherings[1],
        None,
        at=_at(g1 - timedelta(days=7)),
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


def _guidance(
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
        starts_at=_at(first_window[0] + timedelta(days=7), 13),
        online=True,
        teams=list(teams.values()),
    )
    horten = GuidanceInvitation.objects.get(session=first, team=teams["Horten"])
    participants = list(teams["Horten"].members.filter(name__in=("Frida Fjeld", "Hilde Strand")))
    horten.participants.set(participants)
    GuidanceInvitation.objects.filter(pk=horten.pk).update(
        confirmed_at=_at(first_window[0], 9),
        sent_at=_at(first_window[0], 9),
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
        starts_at=_at(midway, 13),
        place="Tønsberg",
        teams=list(teams.values()),
    )


def _evaluation(gathering: Gathering, *, coordinator: User, today: date) -> None:
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


def _annotate(changed: date) -> int:
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
