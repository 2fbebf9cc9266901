"""Demo data: Horten kommune and Sykehuset i Vestfold (the Vestfold learning network of
Gode pasientforløp, as listed in its annual report 2022).

Idempotent: every row is found by a natural key (code, username, identity number) before it is
created, so running `forlop demo` twice changes nothing. Identity numbers are synthetic (Tenor
style, month + 80) and organisation numbers are generated valid, never real ones.
Randomness is seeded, so every machine gets the same demo.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from forlop.core.identifiers import generate_org_number, generate_synthetic, parse_identity_number
from forlop.core.models import Membership, Organisation, Role, Unit, User
from forlop.demo.goals import load_goal_episodes_demo, load_goals_demo
from forlop.demo.improvement import load_improvement_demo
from forlop.demo.measures import load_measures_demo
from forlop.demo.method import load_method_demo
from forlop.demo.notifications import load_notifications_demo
from forlop.demo.password import DEMO_PASSWORD as DEMO_PASSWORD
from forlop.demo.password import demo_password_hash
from forlop.demo.pathways import load_pathway_demo
from forlop.patients.models import HospitalStay, NextOfKin, Patient, PatientService


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    role: str
    unit: str


ORGS = [
    # code, kind, name, municipality number, municipality code
    ("horten", Organisation.Kind.MUNICIPALITY, "Horten kommune", "3901", None),
    ("tonsberg", Organisation.Kind.MUNICIPALITY, "Tønsberg kommune", "3905", None),
    ("siv", Organisation.Kind.HOSPITAL_TRUST, "Sykehuset i Vestfold HF", "", None),
    ("horten-legesenter", Organisation.Kind.GP_OFFICE, "Horten legesenter", "", "horten"),
    ("borre-legekontor", Organisation.Kind.GP_OFFICE, "Borre legekontor", "", "horten"),
    (
        "usht-vestfold",
        Organisation.Kind.COORDINATION,
        "Utviklingssenter for sykehjem og hjemmetjenester Vestfold",
        "",
        None,
    ),
]

UNITS = [
    # code, org code, kind, name, phone
    ("horten-nord", "horten", Unit.Kind.HOME_CARE, "Hjemmetjenesten nord", "33 08 50 10"),
    ("horten-sor", "horten", Unit.Kind.HOME_CARE, "Hjemmetjenesten sør", "33 08 50 20"),
    (
        "horten-tildeling",
        "horten",
        Unit.Kind.ALLOCATION_OFFICE,
        "Tildelingskontoret",
        "33 08 50 00",
    ),
    (
        "horten-helsehus",
        "horten",
        Unit.Kind.REHABILITATION,
        "Horten helsehus, korttid og rehabilitering",
        "33 08 51 00",
    ),
    ("horten-legevakt", "horten", Unit.Kind.OUT_OF_HOURS, "Horten legevakt", "116 117"),
    ("horten-stab", "horten", Unit.Kind.ADMINISTRATION, "Helse og omsorg, stab", "33 08 50 50"),
    ("tonsberg-hjemme", "tonsberg", Unit.Kind.HOME_CARE, "Hjemmetjenesten sentrum", "33 34 80 00"),
    ("siv-med", "siv", Unit.Kind.HOSPITAL_WARD, "Medisinsk sengepost", "33 34 20 00"),
    ("siv-ort", "siv", Unit.Kind.HOSPITAL_WARD, "Ortopedisk sengepost", "33 34 20 10"),
    (
        "horten-legesenter-praksis",
        "horten-legesenter",
        Unit.Kind.GP_PRACTICE,
        "Horten legesenter",
        "33 03 10 00",
    ),
    (
        "borre-legekontor-praksis",
        "borre-legekontor",
        Unit.Kind.GP_PRACTICE,
        "Borre legekontor",
        "33 07 20 00",
    ),
    (
        "usht-vestfold-kontor",
        "usht-vestfold",
        Unit.Kind.ADMINISTRATION,
        "Nettverkskoordinering",
        "",
    ),
]

LOGINS = [
    DemoLogin("sykepleier", "Nina Nordli", Role.PRIMARY_CONTACT, "horten-nord"),
    DemoLogin("sykepleier2", "Sigrid Sørensen", Role.PRIMARY_CONTACT, "horten-sor"),
    DemoLogin("tildeling", "Tore Tangen", Role.ALLOCATION_OFFICE, "horten-tildeling"),
    DemoLogin("fastlege", "Lars Larsen", Role.GP, "horten-legesenter-praksis"),
    DemoLogin("fastlege2", "Berit Berg", Role.GP, "borre-legekontor-praksis"),
    DemoLogin("sykehus", "Hanne Holm", Role.HOSPITAL_NURSE, "siv-med"),
    DemoLogin("leder", "Lene Lund", Role.UNIT_LEADER, "horten-nord"),
    DemoLogin("forbedring", "Frida Fjeld", Role.IMPROVEMENT_MEMBER, "horten-stab"),
    DemoLogin("koordinator", "Knut Kvam", Role.NETWORK_COORDINATOR, "usht-vestfold-kontor"),
    DemoLogin("admin", "Anne Admin", Role.ADMINISTRATOR, "horten-stab"),
    DemoLogin("sykepleier.tonsberg", "Tone Teig", Role.PRIMARY_CONTACT, "tonsberg-hjemme"),
]

GIVEN = [
    "Astrid",
    "Bjørn",
    "Kari",
    "Olav",
    "Ingrid",
    "Per",
    "Solveig",
    "Arne",
    "Ragnhild",
    "Knut",
    "Marit",
    "Sverre",
    "Gunvor",
    "Harald",
    "Liv",
    "Einar",
    "Randi",
    "Odd",
    "Berit",
    "Helge",
    "Turid",
    "Johan",
    "Aslaug",
    "Rolf",
    "Eldbjørg",
    "Kjell",
    "Signe",
    "Leif",
    "Margit",
    "Trygve",
    "Anna",
    "Nils",
]
FAMILY = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Eriksen",
    "Bakken",
    "Lie",
    "Dahl",
    "Lund",
]
STREETS = [
    "Storgata",
    "Skippergata",
    "Apotekergata",
    "Borreveien",
    "Falkensten",
    "Åsgårdstrand vei",
    "Nedre Vei",
    "Lystlundveien",
    "Karljohansvern",
    "Rørestrandsveien",
]


def _today() -> date:
    return timezone.localdate()


@transaction.atomic
def load_demo(*, today: date | None = None) -> dict[str, int]:
    """Create the demo organisation, users and patients if they are missing."""
    today = today or _today()
    rng = random.Random(3901)
    orgs: dict[str, Organisation] = {}
    created = {"organisations": 0, "units": 0, "users": 0, "patients": 0}
    for code, kind, name, number, muni in ORGS:
        org = Organisation.objects.filter(code=code).first()
        org_number = generate_org_number(rng)  # drawn always, so the sequence is stable
        if org is None:
            org = Organisation.objects.create(
                code=code,
                kind=kind,
                name=name,
                municipality_number=number,
                org_number=org_number,
                municipality=orgs.get(muni) if muni else None,
            )
            created["organisations"] += 1
        orgs[code] = org
    units: dict[str, Unit] = {}
    for code, org_code, kind, name, phone in UNITS:
        unit, was_created = Unit.objects.get_or_create(
            code=code,
            defaults={"organisation": orgs[org_code], "kind": kind, "name": name, "phone": phone},
        )
        created["units"] += was_created
        units[code] = unit
    users: dict[str, User] = {}
    for login in LOGINS:
        first, last = login.name.split(" ", 1)
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user = User(
                username=login.username,
                first_name=first,
                last_name=last,
                email=f"{login.username}@demo.forlop.invalid",
            )
            user.password = demo_password_hash()
            user.save()
            created["users"] += 1
        elif user.is_superuser or user.is_staff:
            # Demo users are never superusers (issue 11): demote one left by an older demo.
            user.is_superuser = user.is_staff = False
            user.save(update_fields=["is_superuser", "is_staff"])
        Membership.objects.get_or_create(user=user, unit=units[login.unit], role=login.role)
        users[login.username] = user
    # The leader also supervises the south district.
    Membership.objects.get_or_create(
        user=users["leder"], unit=units["horten-sor"], role=Role.UNIT_LEADER
    )
    created["patients"] = _load_patients(today=today, orgs=orgs, units=units, users=users)
    # Each domain adds its part; every loader is idempotent. The demo package is the
    # composition root, so it may import every app.
    # The first demo patient's two goal episodes come first: the pathway demo then leaves
    # that patient's pathways alone.
    episode_goals = load_goal_episodes_demo(today=today)
    created["pathways"] = load_pathway_demo(today=today)
    statistics_refresh()
    created["goals"] = episode_goals + load_goals_demo(today=today)
    created["measure history pathways"] = load_measures_demo(today=today)
    statistics_refresh()
    created["learning network"] = load_improvement_demo(today=today)
    created["notifications"] = load_notifications_demo(today=today)
    created["improvement method"] = load_method_demo(today=today)
    return created


#: The apps whose tables the demo fills in bulk.
DEMO_APPS = frozenset({"patients", "pathways", "goals", "measures", "improvement"})


def statistics_refresh() -> None:
    """Let PostgreSQL's planner see the rows just loaded (ANALYZE), as after any bulk load.

    Autovacuum takes its statistics later, or took them while the tables were empty: then the
    planner counts on empty tables and joins thousands of rows in nested loops, and a plain
    query over the demo (a pathway with care-plan answers, say) ran past the statement
    timeout. ANALYZE inside the loader's transaction counts the transaction's own new rows.
    """
    if connection.vendor == "postgresql":
        # The demo's own tables only: a database-wide ANALYZE also read every catalog and
        # waited on autovacuum (seconds per table on a busy machine).
        tables = sorted(
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.app_label in DEMO_APPS and model._meta.managed and not model._meta.proxy
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def _load_patients(
    *, today: date, orgs: dict[str, Organisation], units: dict[str, Unit], users: dict[str, User]
) -> int:
    created = 0
    tz = timezone.get_current_timezone()
    plan = (
        [("horten-nord", "sykepleier")] * 14
        + [("horten-sor", "sykepleier2")] * 12
        + [("tonsberg-hjemme", "sykepleier.tonsberg")] * 4
    )
    for i, (unit_code, nurse) in enumerate(plan):
        rng = random.Random(f"demo-patient-{i}")  # one stream per patient: stable on re-runs
        birth = date(1928 + rng.randrange(0, 40), rng.randrange(1, 13), rng.randrange(1, 29))
        number = generate_synthetic(birth, rng=rng)
        given, family = GIVEN[i % len(GIVEN)], FAMILY[(i * 7) % len(FAMILY)]
        street = f"{STREETS[rng.randrange(len(STREETS))]} {rng.randrange(1, 80)}"
        gp = users["fastlege"] if i % 3 else users["fastlege2"]
        start = today - timedelta(days=rng.randrange(20, 700))
        phone, kin_phone = (
            f"9{rng.randrange(1000000, 9999999)}",
            f"4{rng.randrange(1000000, 9999999)}",
        )
        if Patient.objects.filter(identity_number=number).exists():
            continue
        parsed = parse_identity_number(number)
        municipality = units[unit_code].organisation
        patient = Patient.objects.create(
            given_name=given,
            family_name=family,
            identity_number=parsed.value,
            id_kind=str(parsed.kind),
            synthetic=parsed.synthetic,
            birth_date=parsed.birth_date,
            address=street,
            postal_code="3190" if municipality.code == "horten" else "3110",
            city="Horten" if municipality.code == "horten" else "Tønsberg",
            phone=phone,
            municipality=municipality,
            gp=gp if municipality.code == "horten" else None,
            primary_contact=users[nurse],
        )
        PatientService.objects.create(patient=patient, unit=units[unit_code], started_on=start)
        if municipality.code == "horten":
            # The allocation office decides the services: it has a service need too.
            PatientService.objects.create(
                patient=patient, unit=units["horten-tildeling"], started_on=start
            )
        NextOfKin.objects.create(
            patient=patient,
            name=f"{GIVEN[(i + 5) % len(GIVEN)]} {family}",
            relation=["datter", "sønn", "ektefelle", "nevø"][i % 4],
            phone=kin_phone,
            is_primary=True,
        )
        if i in (3, 17):  # two patients are in hospital right now
            HospitalStay.objects.create(
                patient=patient,
                ward=units["siv-med"],
                admitted_at=datetime.combine(today - timedelta(days=2), time(14, 30), tzinfo=tz),
            )
        created += 1
    return created


def demo_logins() -> list[DemoLogin]:
    return list(LOGINS)
