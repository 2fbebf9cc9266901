"""One municipality's staff and units, and the rows of one patient: pathways, stop points done
on time, late or missed, falls, admissions and readmissions."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from forlop.core.identifiers import generate_org_number
from forlop.core.models import Membership, Organisation, Role, Unit, User
from forlop.core.tz import OSLO
from forlop.demo.loader import FAMILY, GIVEN, STREETS
from forlop.demo.synth.base import (
    ACTIVE_SHARE,
    FALL_CHANCE,
    PATHWAY_DAYS,
    PREFIX,
    READMISSION_CHANCE,
    REASON_WEIGHTS,
    TEMPLATE_FOR,
    IdentityNumbers,
    _Def,
    _midnight,
    _Template,
)
from forlop.pathways.models import Pathway, PathwayEvent, StopPoint
from forlop.patients.models import Patient, PatientService


@dataclass
class _Municipality:
    number: int
    org: Organisation
    units: list[Unit]
    nurses: list[User]
    on_time: list[float]  # each unit's on-time chance before the change


def _municipality(number: int, rng: random.Random) -> _Municipality:
    code = f"{PREFIX}-{number:03d}"
    org = Organisation.objects.create(
        code=code,
        kind=Organisation.Kind.MUNICIPALITY,
        name=f"Syntetisk kommune {number:03d}",
        org_number=generate_org_number(rng),
    )
    units = [
        Unit.objects.create(
            organisation=org,
            code=f"{code}-hjemme-{n}",
            kind=Unit.Kind.HOME_CARE,
            name=f"Hjemmetjenesten {n}",
        )
        for n in (1, 2)
    ]
    allocation = Unit.objects.create(
        organisation=org,
        code=f"{code}-tildeling",
        kind=Unit.Kind.ALLOCATION_OFFICE,
        name="Tildelingskontoret",
    )

    def person(username: str, first: str, last: str) -> User:
        user = User(username=username, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
        return user

    nurses = []
    for n, unit in enumerate(units, start=1):
        nurse = person(f"{code}-sykepleier-{n}", "Sykepleier", f"{number:03d}-{n}")
        Membership.objects.create(user=nurse, unit=unit, role=Role.PRIMARY_CONTACT)
        nurses.append(nurse)
    officer = person(f"{code}-tildeling", "Tildeling", f"{number:03d}")
    Membership.objects.create(user=officer, unit=allocation, role=Role.ALLOCATION_OFFICE)
    leader = person(f"{code}-leder", "Leder", f"{number:03d}")
    for unit in units:
        Membership.objects.create(user=leader, unit=unit, role=Role.UNIT_LEADER)
    on_time = [rng.uniform(0.45, 0.8) for _ in units]
    return _Municipality(number, org, units, nurses, on_time)


@dataclass
class _Rows:
    patients: list[Patient] = field(default_factory=list)
    services: list[PatientService] = field(default_factory=list)
    # Pathways with their stop points and events, linked once the pathways have primary keys.
    pathways: list[tuple[Pathway, list[StopPoint], list[PathwayEvent], bool]] = field(
        default_factory=list
    )


def _completion(
    rng: random.Random, ends: datetime, chance: float, now: datetime, end: datetime | None
) -> tuple[datetime | None, datetime | None]:
    """(completed_at, interrupted_at) of a stop point whose deadline passes at ``ends``."""
    roll = rng.random()
    if roll < chance:
        done = ends - timedelta(hours=rng.randrange(2, 40))
    elif roll < chance + (1 - chance) * 0.7:  # late
        done = ends + timedelta(hours=rng.randrange(1, 120))
    else:  # missed: never done
        done = None
    if done is not None and done > now:
        done = None
    if done is None and end is not None:
        return None, end  # the pathway ended with it open: interrupted
    return done, None


def _pathway_rows(
    *,
    rng: random.Random,
    patient: Patient,
    unit: Unit,
    nurse: User,
    template: _Template,
    reason: str,
    started: datetime,
    ended: datetime | None,
    chance: float,
    now: datetime,
) -> tuple[Pathway, list[StopPoint], list[PathwayEvent]]:
    home = started + timedelta(hours=rng.randrange(2, 8))
    discharge = reason == Pathway.StartReason.DISCHARGE
    pathway = Pathway(
        patient=patient,
        municipality_id=patient.municipality_id,
        version_id=template.version_id,
        unit=unit,
        primary_contact=nurse,
        start_reason=reason,
        started_at=started,
        discharged_at=started if discharge else None,
        arrived_home_at=home if discharge else None,
        ended_at=ended,
        end_reason="synth" if ended is not None else "",
    )
    stop_points: list[StopPoint] = []
    events: list[PathwayEvent] = []
    horizon = ended or now

    def add(d: _Def, anchor: datetime, occurrence: int = 1) -> None:
        if d.days is None:
            due_at = ends_at = anchor + timedelta(hours=d.hours)
            all_day = False
        else:
            due_at = _midnight((anchor.astimezone(OSLO) + timedelta(days=d.days)).date())
            ends_at = due_at + timedelta(days=1)
            all_day = True
        if anchor > horizon:
            return  # not triggered yet (or after the pathway ended)
        completed, interrupted = _completion(rng, ends_at, chance, now, ended)
        stop_points.append(
            StopPoint(
                pathway=pathway,
                municipality_id=patient.municipality_id,
                definition_id=d.pk,
                occurrence=occurrence,
                triggered_at=anchor,
                opens_at=anchor,
                due_at=due_at,
                due_all_day=all_day,
                ends_at=ends_at,
                completed_at=completed,
                completed_by=nurse if completed is not None else None,
                interrupted_at=interrupted,
            )
        )

    for d in template.chain:
        add(d, home if d.anchor_home and discharge else started)
    span = max(1.0, (horizon - started).total_seconds())
    for kind, chance_of in (("fall", FALL_CHANCE), ("admission", READMISSION_CHANCE / 2)):
        if rng.random() >= chance_of:
            continue
        at = started + timedelta(seconds=rng.uniform(0, span))
        events.append(
            PathwayEvent(
                patient=patient,
                municipality_id=patient.municipality_id,
                pathway=pathway,
                kind=kind,
                occurred_at=at,
            )
        )
        for occurrence, d in enumerate(
            [d for d in template.on_event if kind in d.event_kinds], start=1
        ):
            add(d, at, occurrence)
    return pathway, stop_points, events


def _patient_rows(
    *,
    rng: random.Random,
    muni: _Municipality,
    numbers: IdentityNumbers,
    templates: dict[str, _Template],
    index: int,
    now: datetime,
    years: int,
    change_at: datetime,
    rows: _Rows,
) -> None:
    number, birth = numbers.take()
    unit_index = index % len(muni.units)
    unit, nurse = muni.units[unit_index], muni.nurses[unit_index]
    family = FAMILY[rng.randrange(len(FAMILY))]
    patient = Patient(
        given_name=GIVEN[rng.randrange(len(GIVEN))],
        family_name=family,
        identity_number=number,
        id_kind=Patient.IdKind.FNR,
        synthetic=True,
        birth_date=birth,
        address=f"{STREETS[rng.randrange(len(STREETS))]} {rng.randrange(1, 120)}",
        municipality=muni.org,
        primary_contact=nurse,
    )
    rows.patients.append(patient)
    period = timedelta(days=365 * years)
    first = now - period * rng.random()
    rows.services.append(
        PatientService(
            patient=patient,
            municipality_id=patient.municipality_id,
            unit=unit,
            started_on=first.astimezone(OSLO).date(),
        )
    )
    count = rng.choice((1, 1, 2, 2, 3, 4))
    active_last = rng.random() < ACTIVE_SHARE
    started = first
    reasons, weights = zip(*REASON_WEIGHTS, strict=True)
    readmitted_before = False
    for n in range(count):
        reason = rng.choices(reasons, weights)[0]
        template = templates[TEMPLATE_FOR[reason]]
        length = timedelta(days=PATHWAY_DAYS[template.code] * rng.uniform(0.7, 1.3))
        last = n == count - 1
        if last and active_last:
            # Running: started recently enough that some stop points are still ahead.
            started = max(started, now - length * rng.uniform(0.05, 0.9))
            ended = None
        else:
            ended = started + length
            if ended > now:
                started, ended = now - length - timedelta(days=1), now - timedelta(days=1)
        chance = muni.on_time[unit_index] + (0.15 if started >= change_at else 0.0)
        pathway, stop_points, events = _pathway_rows(
            rng=rng,
            patient=patient,
            unit=unit,
            nurse=nurse,
            template=template,
            reason=reason,
            started=started,
            ended=ended,
            chance=min(chance, 0.97),
            now=now,
        )
        readmitted = (
            ended is not None
            and reason == Pathway.StartReason.DISCHARGE
            and (rng.random() < READMISSION_CHANCE)
        )
        rows.pathways.append((pathway, stop_points, events, n > 0 and readmitted_before))
        readmitted_before = readmitted
        if readmitted and ended is not None:
            admitted = started + timedelta(days=rng.randrange(3, 29))
            events.append(
                PathwayEvent(
                    patient=patient,
                    municipality_id=patient.municipality_id,
                    pathway=pathway,
                    kind="admission",
                    occurred_at=admitted,
                )
            )
            started = admitted + timedelta(days=rng.randrange(2, 10))
        else:
            started = (ended or now) + timedelta(days=rng.randrange(20, 200))
        if started >= now - timedelta(days=2):
            break
