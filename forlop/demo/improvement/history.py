"""The programme's networks 2014-2023: their organisations, records and national events."""

from __future__ import annotations

import random
from datetime import date

from forlop.core.identifiers import generate_org_number
from forlop.core.models import Organisation
from forlop.demo.improvement.shared import (
    slug_code,
)
from forlop.demo.networks import GUIDES, NETWORKS, TRUSTS
from forlop.improvement import rules
from forlop.improvement.models import (
    Gathering,
    Network,
)


def organisations_load(rng: random.Random) -> dict[str, Organisation]:
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
            wanted.setdefault(slug_code(name), (Organisation.Kind.MUNICIPALITY, label))
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


def history_load(orgs: dict[str, Organisation]) -> int:
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
            *[orgs[slug_code(name)] for name in row.municipalities],
            *[orgs[code] for code in row.trusts],
        )
    return created


def national_events_load(today: date) -> None:
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
