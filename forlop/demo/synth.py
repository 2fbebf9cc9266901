"""Synthetic data at national scale: `forlop synth --patients N --seed S`.

For benchmarks and load tests, never for a real installation's database. Every identity number
is synthetic (Tenor style, month + 80, valid check digits by python-stdnum's K1/K2), every
organisation number generated; nothing is a real person or organisation.

What it makes, per municipality of ``patients_per_municipality`` patients:

* a municipality (``synth-NNN``) with two home-care units and an allocation office, and one
  nurse, one allocation officer and one leader (no password: they cannot log in);
* patients served by one of the two home-care units, each with one to four pathways over the
  last ``years`` years, of every start reason (discharge, new user, decline at home, annual
  review) on the national templates;
* stop points from each template's definitions, done on time, late or missed, with an on-time
  chance that differs between units and rises after a change half-way through the period
  (so the run charts have something to find);
* falls and admissions, a readmission within 30 days starting a new pathway (``previous``);
* most pathways ended, the newest pathway of about one patient in four still running.

Deterministic for a seed: one ``random.Random`` per municipality (seeded from the seed and the
municipality's number), and identity numbers assigned in order. Bounded memory: rows are built
and written one batch of patients at a time (``bulk_create`` in batches), then dropped.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F
from stdnum.no import fodselsnummer

from forlop.authoring.defaults import install_national_defaults
from forlop.core.identifiers import generate_org_number
from forlop.core.identifiers.person import SYNTHETIC_MONTH_OFFSET
from forlop.core.models import Membership, Organisation, Role, Unit, User
from forlop.core.tz import OSLO
from forlop.demo.loader import FAMILY, GIVEN, STREETS
from forlop.measures.definitions import install_default_measures
from forlop.pathways.models import (
    Pathway,
    PathwayEvent,
    StopPoint,
    StopPointDefinition,
    TemplateVersion,
)
from forlop.patients.models import Patient, PatientService

PREFIX = "synth"
BATCH_PATIENTS = 1000  # patients per transaction; their pathways and stop points go with them
BULK = 2000  # rows per INSERT statement

TEMPLATE_FOR = {
    Pathway.StartReason.DISCHARGE: "hph",
    Pathway.StartReason.NEW_USER: "general",
    Pathway.StartReason.DECLINE: "decline-at-home",
    Pathway.StartReason.ANNUAL_REVIEW: "annual-review",
}
# Discharges dominate: HPH is the pathway the network measures.
REASON_WEIGHTS = (
    (Pathway.StartReason.DISCHARGE, 0.6),
    (Pathway.StartReason.NEW_USER, 0.15),
    (Pathway.StartReason.DECLINE, 0.15),
    (Pathway.StartReason.ANNUAL_REVIEW, 0.1),
)
PATHWAY_DAYS = {"hph": 35, "general": 70, "decline-at-home": 35, "annual-review": 380}
ACTIVE_SHARE = 0.25
READMISSION_CHANCE = 0.15
FALL_CHANCE = 0.2


@dataclass
class Summary:
    municipalities: int = 0
    patients: int = 0
    pathways: int = 0
    stop_points: int = 0
    events: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Def:
    """What the generator needs of a stop-point definition, read once."""

    pk: int
    code: str
    days: int | None  # None: an hours deadline
    hours: int
    anchor_home: bool
    event_kinds: tuple[str, ...]


@dataclass
class _Template:
    version_id: int
    code: str
    chain: list[_Def] = field(default_factory=list)
    on_event: list[_Def] = field(default_factory=list)


def _as_days(d: StopPointDefinition) -> int | None:
    unit = d.deadline_unit
    if unit == "hours":
        return None
    factor = {"calendar_days": 1, "working_days": 7 / 5, "weeks": 7, "months": 30}.get(unit, 1)
    return round(d.deadline_amount * factor)


def _templates() -> dict[str, _Template]:
    out: dict[str, _Template] = {}
    for code, template in install_national_defaults().items():
        version = (
            template.versions.filter(status=TemplateVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        if version is None:
            continue
        entry = _Template(version_id=version.pk, code=template.code)
        for d in version.definitions.order_by("order", "pk"):
            spec = _Def(
                pk=d.pk,
                code=d.code,
                days=_as_days(d),
                hours=d.deadline_amount,
                anchor_home=d.anchor == "arrival_home",
                event_kinds=tuple(d.trigger_events or ()),
            )
            if d.trigger == "event":
                entry.on_event.append(spec)
            elif d.in_chain:  # the daily visits are not in the chain: left out
                entry.chain.append(spec)
        out[code] = entry
    return out


class IdentityNumbers:
    """Unique synthetic fødselsnumre, assigned in order: patient ``i`` gets a birth date from a
    fixed cycle of dates (1926-1959) and the next individual number of that date that takes
    check digits (python-stdnum's ``calc_check_digit1``/``2``). Deterministic, unique across
    the whole run, and about 400 numbers per date (over five million in all)."""

    FIRST = date(1926, 1, 1)
    DAYS = (date(1959, 12, 31) - date(1926, 1, 1)).days + 1

    def __init__(self, start: int = 0) -> None:
        self._next: dict[int, int] = {}
        self._count = 0
        for _ in range(start):
            self.take()

    def take(self) -> tuple[str, date]:
        offset = (self._count * 7919) % self.DAYS  # 7919 is prime: a spread, full cycle
        self._count += 1
        birth = self.FIRST + timedelta(days=offset)
        individuals = [*range(500), *range(900, 1000)] if birth.year >= 1940 else list(range(500))
        position = self._next.get(offset, 0)
        prefix = f"{birth.day:02d}{birth.month + SYNTHETIC_MONTH_OFFSET:02d}{birth.year % 100:02d}"
        while position < len(individuals):
            first_nine = f"{prefix}{individuals[position]:03d}"
            position += 1
            k1 = fodselsnummer.calc_check_digit1(first_nine)
            if len(k1) != 1:
                continue
            k2 = fodselsnummer.calc_check_digit2(first_nine + k1)
            if len(k2) != 1:
                continue
            self._next[offset] = position
            return first_nine + k1 + k2, birth
        raise ValueError("synthetic identity numbers for this date range are used up")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO)


def _batches(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)


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
        events.append(PathwayEvent(patient=patient, pathway=pathway, kind=kind, occurred_at=at))
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
        PatientService(patient=patient, unit=unit, started_on=first.astimezone(OSLO).date())
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
                    patient=patient, pathway=pathway, kind="admission", occurred_at=admitted
                )
            )
            started = admitted + timedelta(days=rng.randrange(2, 10))
        else:
            started = (ended or now) + timedelta(days=rng.randrange(20, 200))
        if started >= now - timedelta(days=2):
            break


def _fast_insert(model: type[models.Model], objs: list[Any], *, created: str) -> None:
    """Insert rows without building Django's per-value INSERT (most of bulk_create's time at
    this volume): PostgreSQL COPY, elsewhere one executemany. ``created_at`` and
    ``updated_at`` are set from the ``created`` field. For rows nobody reads back by key."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)

    def row(obj: Any) -> list[Any]:
        stamp = getattr(obj, created)
        obj.created_at = obj.updated_at = stamp
        return [getattr(obj, f.attname) for f in fields]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row(row(obj))
        else:
            adapt = [
                (lambda v, f=f: f.get_db_prep_value(v, connection, prepared=False)) for f in fields
            ]
            values = [[a(v) for a, v in zip(adapt, row(obj), strict=True)] for obj in objs]
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the model, never from input.
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, values)


def _write(rows: _Rows, summary: Summary) -> None:
    Patient.objects.bulk_create(rows.patients, batch_size=BULK)
    for service in rows.services:
        service.patient_id = service.patient.pk
    PatientService.objects.bulk_create(rows.services, batch_size=BULK)
    pathways = []
    previous: Pathway | None = None
    for pathway, _stop_points, _events, _follows in rows.pathways:
        pathway.patient_id = pathway.patient.pk
        pathways.append(pathway)
    Pathway.objects.bulk_create(pathways, batch_size=BULK)
    # A readmission's pathway follows the one before it: set after both have keys.
    follows_rows = []
    for pathway, _stop_points, _events, follows in rows.pathways:
        if follows and previous is not None and previous.patient_id == pathway.patient_id:
            pathway.previous_id = previous.pk
            follows_rows.append(pathway)
        previous = pathway
    if follows_rows:
        Pathway.objects.bulk_update(follows_rows, ["previous"], batch_size=BULK)
    stop_points: list[StopPoint] = []
    events: list[PathwayEvent] = []
    for pathway, sps, evs, _follows in rows.pathways:
        for sp in sps:
            sp.pathway_id = pathway.pk
        for ev in evs:
            ev.pathway_id = pathway.pk
            ev.patient_id = pathway.patient_id
        stop_points.extend(sps)
        events.extend(evs)
    # Registered when they happened, so measures "as of" a past time see the numbers of then.
    _fast_insert(StopPoint, stop_points, created="triggered_at")
    _fast_insert(PathwayEvent, events, created="occurred_at")
    ids = [p.pk for p in pathways]
    Pathway.objects.filter(pk__gte=min(ids), pk__lte=max(ids)).update(created_at=F("started_at"))
    summary.patients += len(rows.patients)
    summary.pathways += len(pathways)
    summary.stop_points += len(stop_points)
    summary.events += len(events)


def synth(
    *,
    patients: int,
    seed: int,
    patients_per_municipality: int = 4000,
    years: int = 3,
    now: datetime | None = None,
    append: bool = False,
    progress: Callable[[int], None] | None = None,
) -> Summary:
    """Generate ``patients`` synthetic patients in municipalities of
    ``patients_per_municipality`` (the last one may be smaller); see the module docstring.

    ``now`` fixes the clock (the default is the current time, truncated to the hour, so a run
    on the same day and seed gives the same rows). ``progress`` is called with the number of
    patients written after each batch. Refuses to run twice in one database unless
    ``append``: then it adds municipalities after the ones there (a benchmark growing the
    database in steps; with full municipalities, the same rows as one run of the total).
    """
    if patients < 1 or patients_per_municipality < 1 or years < 1:
        raise ValueError("patients, patients per municipality and years must be at least 1")
    existing = Organisation.objects.filter(code__startswith=f"{PREFIX}-").count()
    if existing and not append:
        raise ValueError("this database already has synthetic data (organisations synth-*)")
    before = Patient.objects.filter(municipality__code__startswith=f"{PREFIX}-").count()
    if now is None:
        from django.utils import timezone

        now = timezone.now().replace(minute=0, second=0, microsecond=0)
    install_default_measures()
    templates = _templates()
    numbers = IdentityNumbers(start=before)
    change_at = now - timedelta(days=365 * years / 2)
    summary = Summary()
    done = 0
    for municipality, (_first, m_count) in enumerate(
        _batches(patients, patients_per_municipality), start=existing + 1
    ):
        rng = random.Random(f"{seed}-{municipality}")
        with transaction.atomic():
            muni = _municipality(municipality, rng)
        summary.municipalities += 1
        for b_start, b_count in _batches(m_count, BATCH_PATIENTS):
            rows = _Rows()
            for i in range(b_start, b_start + b_count):
                _patient_rows(
                    rng=rng,
                    muni=muni,
                    numbers=numbers,
                    templates=templates,
                    index=i,
                    now=now,
                    years=years,
                    change_at=change_at,
                    rows=rows,
                )
            with transaction.atomic():
                _write(rows, summary)
            done += b_count
            if progress is not None:
                progress(done)
    return summary
