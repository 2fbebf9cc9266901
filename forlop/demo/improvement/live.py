"""The demo's current network, "Læringsnettverk Vestfold", with dates relative to ``today``."""

from __future__ import annotations

from datetime import date, timedelta

from forlop.core.models import Organisation, User
from forlop.demo.improvement.horten import (
    horten_work_load,
)
from forlop.demo.improvement.shared import (
    DESCRIPTIONS,
    LIVE,
    MEMBERS,
    THEMES,
    VESTFOLD,
    demo_email,
    slug_code,
)
from forlop.demo.improvement.teams import (
    evaluation_load,
    guidance_load,
    other_teams_load,
)
from forlop.improvement import rules, services
from forlop.improvement.models import (
    Gathering,
    Network,
)


def live_network_load(*, today: date, orgs: dict[str, Organisation]) -> int:
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
        org = orgs[slug_code(name)]
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
                email="" if username else demo_email(person),
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
    horten_work_load(
        horten_team, member=member, coordinator=coordinator, gatherings=gatherings, today=today
    )
    other_teams_load(teams, gatherings=gatherings, today=today)
    guidance_load(
        network, teams, coordinator=coordinator, member=member, gatherings=gatherings, today=today
    )
    evaluation_load(gatherings[1], coordinator=coordinator, today=today)
    return 1
