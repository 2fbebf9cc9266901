"""The model for improvement in the demo: Horten's team works on its aim for HPH2 within three
days with a driver diagram, a list of change ideas and time thieves from Hjemmetjenesten nord
(votes, a discussion), a ramp of PDSA cycles that ended in an adopted change and a cycle
under way, its progress scores (and the other Vestfold teams'), a communication plan and a
spread plan. Hjemmetjenesten nord's huddle board then shows the unit's day.

Idempotent: nothing is added when the team already has drivers. Dates are relative to
``today`` and to the live network's gathering 1.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from forlop.core.models import Unit, User
from forlop.improvement import services
from forlop.improvement.models import (
    ChangeIdea,
    Gathering,
    IdeaComment,
    IdeaVote,
    PdsaCycle,
    ProgressScore,
    Team,
)
from forlop.measures.models import Measure

TIME_THIEVES = (
    (
        "Leter etter utskrivningsrapporten i meldingsboksen",
        "Rapporten kommer som vedlegg og blir liggende ulest til noen leter den fram.",
    ),
    ("Dobbeltregistrering av legemiddellisten", "Listen skrives av for hånd i to systemer."),
    ("Venter på nøkkel til nøkkelboksen", "Nøkkelen henger på kontoret når vi er ute."),
)
IDEAS = (
    (
        "Sjekkliste for HPH2 på nettbrettet",
        "Sjekklisten følger med ut, så vurderingen blir gjort i første besøk.",
    ),
)


@transaction.atomic
def load_method_demo(*, today: date) -> int:
    team = Team.objects.filter(network__code="vestfold", organisation__code="horten").first()
    member = User.objects.filter(username="forbedring").first()
    coordinator = User.objects.filter(username="koordinator").first()
    nurse = User.objects.filter(username="sykepleier").first()
    north = Unit.objects.filter(code="horten-nord").first()
    south = Unit.objects.filter(code="horten-sor").first()
    aim = team.aims.order_by("pk").first() if team else None
    g1 = Gathering.objects.filter(network__code="vestfold", number=1).first()
    if not (team and member and coordinator and north and south and aim and g1):
        return 0
    if aim.drivers.exists():
        return 0
    hph2 = Measure.objects.filter(organisation=None, code="hph2-within-3-days").first()
    on_time = Measure.objects.filter(organisation=None, code="stop-points-on-time").first()
    start = g1.starts_on
    # The driver diagram of the aim.
    planned = services.driver_add(aim=aim, actor=member, text="Planlagt hjemkomst")
    contact = services.driver_add(
        aim=aim,
        actor=member,
        text="Primærkontakten er kjent før utskrivning",
        parent=planned,
        measure=hph2,
    )
    notice = services.driver_add(
        aim=aim, actor=member, text="Tildelingskontoret varsler samme dag", parent=planned
    )
    time_for = services.driver_add(aim=aim, actor=member, text="Tid til strukturert oppfølging")
    thieves = services.driver_add(
        aim=aim,
        actor=member,
        text="Færre tidstyver i morgenmøtet",
        parent=time_for,
        measure=on_time,
    )
    call = services.idea_create(
        team=team,
        actor=member,
        title="Primærkontakten ringer pasienten dagen før hjemkomst",
        description="Avtaler tidspunkt for første besøk og HPH2-vurderingen.",
        driver=contact,
        unit=north,
    )
    message = services.idea_create(
        team=team,
        actor=member,
        title="Fast varsel fra tildelingskontoret i PLO-meldingen",
        driver=notice,
        unit=north,
    )
    huddle = services.idea_create(
        team=team,
        actor=member,
        title="Tavlemøte kl. 08.15 med dagens HPH2-besøk",
        description="Ti minutter stående foran tavla: forfalte stoppunkter, nye pasienter, fall.",
        kind=ChangeIdea.Kind.TIME_THIEF,
        driver=thieves,
        unit=north,
    )
    listed = [
        services.idea_create(
            team=team,
            actor=member,
            title=title,
            description=text,
            kind=ChangeIdea.Kind.TIME_THIEF,
            unit=north,
        )
        for title, text in TIME_THIEVES
    ]
    listed += [
        services.idea_create(team=team, actor=member, title=title, description=text, unit=north)
        for title, text in IDEAS
    ]
    for idea in (huddle, listed[0], listed[3]):
        services.idea_vote_toggle(idea=idea, actor=member)
    if nurse is not None:
        # A nurse of the unit votes too (she is no team member: her vote is recorded directly).
        for idea in (huddle, listed[0]):
            IdeaVote.objects.get_or_create(idea=idea, user=nurse)
        IdeaComment.objects.create(
            idea=listed[0],
            author=nurse,
            text="Dette tar oss ti minutter hver morgen. Kan rapporten komme rett i journalen?",
        )
    services.idea_comment_add(
        idea=listed[0],
        actor=member,
        text="Tar det opp med sykehuset på samling 2: de kan sende rapporten strukturert.",
    )
    owner = team.members.filter(user=member).first()
    measures = [m for m in (hph2,) if m is not None]
    # A ramp of two cycles that ended in an adopted change.
    first = services.cycle_create(
        team=team,
        actor=member,
        idea=call,
        title="Ringe én pasient dagen før hjemkomst",
        plan="Hilde ringer neste pasient som skrives ut fra medisinsk sengepost.",
        prediction="Pasienten er hjemme og klar; HPH2 blir gjort første dag.",
        starts_on=start + timedelta(days=5),
        ends_on=start + timedelta(days=12),
        owner=owner,
        unit=north,
        measures=measures,
        today=today,
    )
    services.cycle_update(
        cycle=first,
        actor=member,
        today=today,
        title=first.title,
        plan=first.plan,
        prediction=first.prediction,
        starts_on=first.starts_on,
        ends_on=first.ends_on,
        done_text="Ringte to pasienter. Den ene var ikke skrevet ut likevel.",
        study_text="Telefonen hjalp, men vi må vite at utskrivningen er bekreftet.",
        decision=PdsaCycle.Decision.ADAPT,
        act_text="Ring etter bekreftet utskrivningsmelding, for alle pasienter i en uke.",
        decided_on=start + timedelta(days=13),
        owner=owner,
        unit=north,
        measures=measures,
    )
    second = services.cycle_next(cycle=first, actor=member, today=today)
    services.cycle_update(
        cycle=second,
        actor=member,
        today=today,
        title="Ringe alle med bekreftet utskrivning i en uke",
        plan=second.plan,
        prediction="Minst ni av ti får HPH2 innen tre dager.",
        starts_on=start + timedelta(days=14),
        ends_on=start + timedelta(days=28),
        done_text="Sju pasienter ringt; alle fikk besøk første dag.",
        study_text="Sju av sju fikk HPH2 innen tre dager. Spådommen holdt.",
        decision=PdsaCycle.Decision.ADOPT,
        act_text="Fast rutine i hjemmetjenesten nord. Sør prøver etter nyttår.",
        decided_on=start + timedelta(days=30),
        owner=owner,
        unit=north,
        measures=measures,
    )
    # A cycle under way on another idea (in the Do stage).
    services.cycle_create(
        team=team,
        actor=member,
        idea=huddle,
        title="Tavlemøte hver morgen i to uker",
        plan="Alle på morgenvakt, foran tavla kl. 08.15, ti minutter.",
        prediction="Ingen HPH2 blir glemt, og morgenmøtet blir kortere.",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=9),
        owner=owner,
        unit=north,
        measures=[m for m in (hph2, on_time) if m is not None],
        today=today,
    )
    services.cycle_create(
        team=team,
        actor=member,
        idea=message,
        title="Varsel i PLO-meldingen for en uke",
        prediction="Primærkontakten vet om hjemkomsten samme dag i alle tilfeller.",
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=10),
        owner=owner,
        unit=north,
        measures=measures,
        today=today,
    )
    # The spread plan and the quality system.
    call.refresh_from_db()
    services.idea_quality_system_set(
        idea=call,
        actor=member,
        where="Kvalitetssystemet, dok. 4.2.1 Hjemkomst etter sykehusopphold",
    )
    services.spread_step_add(
        idea=call,
        actor=member,
        unit=south,
        planned_on=today + timedelta(days=30),
        note="Avdelingsleder sør har sagt ja.",
    )
    _communication(team, member, start=start)
    _scores(team, member, coordinator, start=start, today=today)
    return 1


def _communication(team: Team, member: User, *, start: date) -> None:
    for audience, text, channel, day, who, done in (
        ("administrative", "Mål og plan for arbeidet", "meeting", -30, "Frida Fjeld", True),
        ("staff", "Hva vi tester nå, og hvorfor", "meeting", 20, "Hilde Strand", True),
        (
            "gps",
            "Ny rutine for fastlegetime etter hjemkomst",
            "newsletter",
            60,
            "Lars Larsen",
            False,
        ),
        ("patients", "Plakat: «Hva er viktig for deg?»", "poster", 75, "Frida Fjeld", False),
        ("political", "Resultatene så langt", "meeting", 150, "Kari Moen", False),
    ):
        item = services.communication_add(
            team=team,
            actor=member,
            audience=audience,
            message=text,
            channel=channel,
            planned_on=start + timedelta(days=day),
            responsible=who,
        )
        if done:
            item.done_on = start + timedelta(days=day)
            item.save(update_fields=["done_on"])


def _scores(team: Team, member: User, coordinator: User, *, start: date, today: date) -> None:
    rows = (
        (team, start - timedelta(days=60), "1.0", "Teamet er satt sammen og forankret."),
        (team, start - timedelta(days=10), "1.5", "Intervjuene er gjort; arbeidsplanen er klar."),
        (
            team,
            start + timedelta(days=30),
            "2.5",
            "Endringer testet; ingen bedring i målingene ennå.",
        ),
        (
            team,
            today - timedelta(days=3),
            "3.0",
            "HPH2 innen tre dager har gått opp siden vi begynte å ringe.",
        ),
    )
    for each, day, score, reason in rows:
        ProgressScore.objects.create(
            team=each, score=Decimal(score), reason=reason, set_on=day, set_by=member
        )
    for row in ProgressScore.objects.filter(team=team, set_on__lt=today - timedelta(days=3)):
        services.progress_score_review(
            row=row, actor=coordinator, review="agreed", note="", now=timezone.now()
        )
    others = Team.objects.filter(network=team.network).exclude(pk=team.pk).order_by("name")
    for number, other in enumerate(others):
        for day, score in ((-40, "1.0"), (15 + number * 5, "1.5" if number % 2 else "2.0")):
            ProgressScore.objects.create(
                team=other,
                score=Decimal(score),
                reason="Satt av teamet på teammøtet.",
                set_on=start + timedelta(days=day),
            )
