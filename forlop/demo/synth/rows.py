"""One municipality's staff and units (through the ORM, a few rows), and the rows of one
patient as plain tuples (``tables.py``): pathways, stop points done on time, late or missed,
falls, admissions and readmissions, and (``goals.py``) goals and scorings.

Every random draw is made in the same order as when these rows were model instances, so a seed
gives the rows it gave before."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

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
    _Def,
    _midnight,
    _Template,
)
from forlop.demo.synth.goals import goal_rows
from forlop.demo.synth.tables import (
    EVENT,
    GOAL,
    PATHWAY,
    PATIENT,
    PATIENT_SERVICE,
    SCORING,
    STOP_POINT,
)
from forlop.demo.synth.write import Chunk, Ids
from forlop.pathways.models import Pathway

ONE_DAY = timedelta(days=1)


@dataclass
class _Municipality:
    number: int
    org: Organisation
    units: list[Unit]
    nurses: list[User]
    on_time: list[float]  # each unit's on-time chance before the change

    unit_ids: list[int] = field(init=False)
    nurse_ids: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.unit_ids = [unit.pk for unit in self.units]
        self.nurse_ids = [nurse.pk for nurse in self.nurses]


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


class _Keys:
    """The keys a process takes for the rows that others refer to (``write.Ids``)."""

    def __init__(self) -> None:
        self.patient = Ids(PATIENT).take
        self.pathway = Ids(PATHWAY).take
        self.goal = Ids(GOAL).take
        self.scoring = Ids(SCORING).take


@dataclass
class _Context:
    """What every row of one municipality's run shares."""

    rng: random.Random
    goals_rng: random.Random | None
    muni: _Municipality
    templates: dict[str, _Template]
    keys: _Keys
    now: datetime
    years: int
    change_at: datetime
    goal_version_id: int


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
    ctx: _Context,
    chunk: Chunk,
    *,
    patient_id: int,
    unit_id: int,
    nurse_id: int,
    template: _Template,
    reason: str,
    started: datetime,
    ended: datetime | None,
    chance: float,
    previous_id: int | None,
) -> int:
    """Append one pathway with its stop points and events; returns the pathway's key."""
    rng, now = ctx.rng, ctx.now
    home = started + timedelta(hours=rng.randrange(2, 8))
    discharge = reason == Pathway.StartReason.DISCHARGE
    pathway_id = ctx.keys.pathway()
    chunk.rows[PATHWAY].append(
        (
            pathway_id,
            patient_id,
            template.version_id,
            unit_id,
            nurse_id,
            reason,
            started,
            started if discharge else None,
            home if discharge else None,
            ended,
            "synth" if ended is not None else "",
            previous_id,
            started,
            ended or started,
        )
    )
    stop_points = chunk.rows[STOP_POINT]
    events = chunk.rows[EVENT]
    horizon = ended or now

    def add(d: _Def, anchor: datetime, occurrence: int = 1) -> None:
        if d.days is None:
            due_at = ends_at = anchor + d.hours_delta
            all_day = False
        else:
            due_at = _midnight((anchor.astimezone(OSLO) + d.days_delta).date())
            ends_at = due_at + ONE_DAY
            all_day = True
        if anchor > horizon:
            return  # not triggered yet (or after the pathway ended)
        completed, interrupted = _completion(rng, ends_at, chance, now, ended)
        stop_points.append(
            (
                pathway_id,
                d.pk,
                occurrence,
                anchor,
                anchor,
                due_at,
                all_day,
                ends_at,
                completed,
                nurse_id if completed is not None else None,
                interrupted,
                anchor,
                completed or interrupted or anchor,
            )
        )

    for d in template.chain:
        add(d, home if d.anchor_home and discharge else started)
    span = max(1.0, (horizon - started).total_seconds())
    for kind, chance_of in (("fall", FALL_CHANCE), ("admission", READMISSION_CHANCE / 2)):
        if rng.random() >= chance_of:
            continue
        at = started + timedelta(seconds=rng.uniform(0, span))
        events.append((patient_id, pathway_id, kind, at, at, at))
        for occurrence, d in enumerate(template.on_event_of[kind], start=1):
            add(d, at, occurrence)
    if ctx.goals_rng is not None:
        goal_rows(
            ctx.goals_rng,
            chunk,
            ctx.keys,
            pathway_id=pathway_id,
            patient_id=patient_id,
            nurse_id=nurse_id,
            reason=reason,
            started=started,
            ended=ended,
            version_id=ctx.goal_version_id,
            now=now,
            change_at=ctx.change_at,
        )
    return pathway_id


REASONS: tuple[str, ...] = tuple(reason.value for reason, _ in REASON_WEIGHTS)
WEIGHTS: tuple[float, ...] = tuple(weight for _, weight in REASON_WEIGHTS)


def _patient_rows(ctx: _Context, chunk: Chunk, *, index: int, number: str, birth: date) -> None:
    """Append one patient (``index`` within the municipality) with their service and pathways."""
    rng, muni, now = ctx.rng, ctx.muni, ctx.now
    unit_index = index % len(muni.unit_ids)
    unit_id, nurse_id = muni.unit_ids[unit_index], muni.nurse_ids[unit_index]
    family = FAMILY[rng.randrange(len(FAMILY))]
    given = GIVEN[rng.randrange(len(GIVEN))]
    address = f"{STREETS[rng.randrange(len(STREETS))]} {rng.randrange(1, 120)}"
    period = timedelta(days=365 * ctx.years)
    first = now - period * rng.random()
    patient_id = ctx.keys.patient()
    chunk.rows[PATIENT].append(
        (patient_id, given, family, number, birth, address, nurse_id, first, first)
    )
    chunk.rows[PATIENT_SERVICE].append(
        (patient_id, unit_id, first.astimezone(OSLO).date(), first, first)
    )
    count = rng.choice((1, 1, 2, 2, 3, 4))
    active_last = rng.random() < ACTIVE_SHARE
    started = first
    readmitted_before = False
    previous_id: int | None = None
    for n in range(count):
        reason = rng.choices(REASONS, WEIGHTS)[0]
        template = ctx.templates[TEMPLATE_FOR[Pathway.StartReason(reason)]]
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
        chance = muni.on_time[unit_index] + (0.15 if started >= ctx.change_at else 0.0)
        pathway_id = _pathway_rows(
            ctx,
            chunk,
            patient_id=patient_id,
            unit_id=unit_id,
            nurse_id=nurse_id,
            template=template,
            reason=reason,
            started=started,
            ended=ended,
            chance=min(chance, 0.97),
            # A readmission's pathway follows the one before it.
            previous_id=previous_id if n > 0 and readmitted_before else None,
        )
        previous_id = pathway_id
        readmitted = (
            ended is not None
            and reason == Pathway.StartReason.DISCHARGE
            and (rng.random() < READMISSION_CHANCE)
        )
        readmitted_before = readmitted
        if readmitted and ended is not None:
            admitted = started + timedelta(days=rng.randrange(3, 29))
            chunk.rows[EVENT].append(
                (patient_id, pathway_id, "admission", admitted, admitted, admitted)
            )
            started = admitted + timedelta(days=rng.randrange(2, 10))
        else:
            started = (ended or now) + timedelta(days=rng.randrange(20, 200))
        if started >= now - timedelta(days=2):
            break
