"""Demo pathways for the Horten demo patients (see ``forlop.interop.demo``).

Most Horten patients get a running HPH pathway in a different state: stop points overdue, due
today or this week, signed on time or late, a fall with HPH4, the admitted patients with the
admission report (HPH6), and one readmission (a pathway that follows an interrupted one).
Everything is written through the services, so the audit log and the derived statuses are
what real use would give.

Idempotent: a patient who already has a pathway is left alone. Deterministic: one seeded
random stream per patient, and every time is counted from ``today``.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction

from forlop.authoring.defaults import install_national_defaults
from forlop.core.models import Unit, User
from forlop.core.tz import OSLO
from forlop.pathways import services
from forlop.pathways.models import ChecklistItem, Pathway, StopPoint, TemplateVersion
from forlop.patients.models import Patient

# Days since the start, per patient in turn: HPH2 (3 days), HPH3 (14) and HPH5 (28) fall due
# today or this week for some, and are overdue or signed for others.
OFFSETS = (2, 14, 3, 27, 1, 30, 9, 28, 5, 12, 20, 4, 16, 40, 6, 13, 25, 8, 11, 3, 22, 15)

TEXTS = {
    "oppfolgingsbehov": ["Sårstell på venstre legg daglig.", "Blodsukker morgen og kveld."],
    "hjelpemidler": ["Rullator og dusjkrakk.", "Trenger toalettforhøyer."],
    "felles-plan": [
        "Seponere sovemedisin gradvis, ny kontroll om 4 uker.",
        "Vekt hver uke; kontakt fastlege ved vekttap over 2 kg.",
    ],
    "funn": ["Lett dehydrert.", "Ingen nye funn."],
    "hva-skjedde": ["Falt på badet om natten.", "Mer forvirret enn vanlig i dag."],
    "observasjoner": ["NEWS2 2, blodtrykk 135/80, våken og orientert.", "Smerte i hofte, kan stå."],
    "tiltak": ["Sengehest og nattlys.", "Økt tilsyn neste døgn."],
    "helse": ["Stabil.", "Bedre matlyst siste uke."],
    "sosialt": ["Datter kommer hver helg.", "Går på dagsenter to dager i uka."],
    "egenomsorg": ["Klarer morgenstell selv.", "Trenger hjelp til dusj."],
}
WHAT_MATTERS = [
    "Å klare meg selv hjemme og gå tur til butikken.",
    "Å kunne være med på barnebarnets konfirmasjon i mai.",
    "Å sove godt om natten og slippe smerter.",
    "Å komme meg ut i hagen igjen.",
]


def _now(today: date) -> datetime:
    return datetime.combine(today, time(7, 0), tzinfo=OSLO)


def _at(today: date, days_ago: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), time(hour, minute), tzinfo=OSLO)


def _value(item: ChecklistItem, rng: random.Random, today: date) -> Any:
    kinds = ChecklistItem.Kind
    if item.kind == kinds.YES_NO:
        return item.required or rng.random() < 0.85
    if item.kind == kinds.NUMBER:
        return rng.randrange(48, 92) if item.number_unit == "kg" else rng.randrange(1, 10)
    if item.kind == kinds.DATE:
        return (today - timedelta(days=rng.randrange(0, 10))).isoformat()
    if item.kind == kinds.SINGLE_CHOICE:
        return rng.choice(item.choices) if item.choices else None
    if item.kind == kinds.MULTIPLE_CHOICE:
        return rng.sample(item.choices, k=min(len(item.choices), 1 + rng.randrange(2)))
    if item.kind == kinds.WHAT_MATTERS:
        return rng.choice(WHAT_MATTERS)
    return rng.choice(TEXTS.get(item.key, ["Kartlagt, se journal."]))


def _part_actor(stop_point: StopPoint, role: str, actor: User) -> User:
    """Who signs a part in the demo: the patient's GP signs the GP's part."""
    patient = stop_point.pathway.patient
    if role == "gp" and patient.gp is not None:
        return patient.gp
    return actor


def _sign(
    stop_point: StopPoint, *, actor: User, at: datetime, rng: random.Random, today: date
) -> None:
    """Answer and sign every part: the owner's first (home care books the GP visit), then
    each part by its role (the GP's part of HPH3 by the patient's GP)."""
    part_roles = {role for role, _title in stop_point.definition.part_specs}
    for item in stop_point.definition.items.all():
        if not (item.required or item.carry_to_care_plan or rng.random() < 0.5):
            continue
        reason = ""
        if not item.required and item.allow_not_relevant and rng.random() < 0.1:
            reason = "Ikke aktuelt for brukeren."
        part = item.part if item.part in part_roles else ""
        services.checklist_answer_save(
            actor=_part_actor(stop_point, part, _owner_actor(stop_point, actor)),
            stop_point=stop_point,
            item_id=item.pk,
            value=None if reason else _value(item, rng, today),
            not_relevant_reason=reason,
            expected_revision=stop_point.revision,
            now=at,
        )
    services.stop_point_complete(
        actor=_owner_actor(stop_point, actor),
        stop_point=stop_point,
        expected_revision=stop_point.revision,
        now=at,
    )
    for role in sorted(part_roles):
        services.stop_point_part_complete(
            actor=_part_actor(stop_point, role, actor),
            stop_point=stop_point,
            part=role,
            expected_revision=stop_point.revision,
            now=at,
        )


def _work_through(
    patient: Patient,
    *,
    actor: User,
    until: datetime,
    rng: random.Random,
    today: date,
    p_done: float = 0.7,
) -> None:
    """Sign some of the patient's open stop points that fell due before ``until``."""
    open_points = (
        StopPoint.objects.filter(
            pathway__patient=patient,
            pathway__ended_at__isnull=True,
            completed_at__isnull=True,
            not_relevant_at__isnull=True,
            interrupted_at__isnull=True,
            opens_at__lt=until,
        )
        .select_related("definition", "pathway")
        .order_by("due_at", "pk")
    )
    for stop_point in open_points:
        if stop_point.definition.code == "HPH4":
            continue  # events are handled by the scenarios
        due_before = stop_point.ends_at <= until
        if rng.random() >= (p_done if due_before else 0.25):
            continue
        start = max(stop_point.opens_at, stop_point.triggered_at)
        late = due_before and rng.random() < 0.2
        if late:
            at = stop_point.ends_at + timedelta(hours=rng.randrange(2, 48))
        else:
            span = (min(stop_point.ends_at, until) - start).total_seconds()
            at = start + timedelta(seconds=rng.random() * max(span - 60, 0))
        at = min(at, until - timedelta(minutes=1))
        if at < start:
            continue
        _sign(stop_point, actor=actor, at=at, rng=rng, today=today)


def _start(
    patient: Patient,
    *,
    version: TemplateVersion,
    unit: Unit,
    actor: User,
    days_ago: int,
    reason: str,
    today: date,
) -> Pathway:
    started = _at(today, days_ago, 9)
    discharge = reason == Pathway.StartReason.DISCHARGE
    allocation = _allocation_office()
    return services.pathway_start(
        # A discharge pathway starts on the hospital's report, at the allocation office.
        actor=allocation if discharge and allocation is not None else actor,
        patient=patient,
        version=version,
        unit=unit,
        start_reason=reason,
        started_at=started,
        ready_for_discharge_at=started if discharge else None,
        planned_discharge_at=_at(today, days_ago, 11) if discharge else None,
        discharged_at=_at(today, days_ago, 11) if discharge else None,
        arrived_home_at=_at(today, days_ago, 14) if discharge else None,
        primary_contact=actor,
        now=_now(today),
    )


def _allocation_office() -> User | None:
    """The demo's allocation officer (Tildelingskontoret, Horten)."""
    return User.objects.filter(username="tildeling").first()


def _owner_actor(stop_point: StopPoint, actor: User) -> User:
    """Who signs the owner's part in the demo: the allocation office its own stop points."""
    if stop_point.definition.responsible_role == "allocation_office":
        return _allocation_office() or actor
    return actor


@transaction.atomic
def load_pathway_demo(*, today: date) -> int:
    """Give the Horten demo patients pathways; return how many pathways were created."""
    version = install_national_defaults()["hph"].versions.get(
        number=1, status=TemplateVersion.Status.PUBLISHED
    )
    ward = Unit.objects.filter(code="siv-med").first()
    now = _now(today)
    created = 0
    patients = (
        Patient.objects.filter(municipality__code="horten", primary_contact__isnull=False)
        .select_related("primary_contact", "gp")
        .order_by("pk")
    )
    readmission_done = False
    allocation = _allocation_office()
    for k, patient in enumerate(patients):
        if k % 7 == 6 or patient.pathways.exists():
            continue
        service = patient.services.filter(ended_on__isnull=True).select_related("unit").first()
        if service is None:
            continue
        rng = random.Random(f"pathway-demo-{patient.identity_number}")
        actor = patient.primary_contact
        if actor is None:  # filtered above; keeps the type checker informed
            continue
        stay = patient.stays.filter(discharged_at__isnull=True).first()
        days = OFFSETS[k % len(OFFSETS)]
        reason = Pathway.StartReason.DECLINE if k % 5 == 4 else Pathway.StartReason.DISCHARGE
        if stay is not None:
            # An admitted patient: the pathway started before the admission; HPH6 is open.
            days = max(days, 10)
            _start(
                patient,
                version=version,
                unit=service.unit,
                actor=actor,
                days_ago=days,
                reason=Pathway.StartReason.DISCHARGE,
                today=today,
            )
            _work_through(patient, actor=actor, until=stay.admitted_at, rng=rng, today=today)
            services.event_record(
                actor=actor,
                patient=patient,
                kind="admission",
                occurred_at=stay.admitted_at,
                now=now,
            )
            if k % 2 == 0:
                hph6 = StopPoint.objects.get(pathway__patient=patient, definition__code="HPH6")
                _sign(
                    hph6,
                    actor=actor,
                    at=stay.admitted_at + timedelta(hours=2),
                    rng=rng,
                    today=today,
                )
            elif allocation is not None:
                # Reported ready for discharge this morning, to leave tomorrow at noon: a new
                # HPH pathway follows the interrupted one, and HPH0 and HPH1 are on the
                # allocation office's list while the patient is still in hospital.
                running = Pathway.objects.get(patient=patient, ended_at__isnull=True)
                services.pathway_start(
                    actor=allocation,
                    patient=patient,
                    version=version,
                    unit=service.unit,
                    start_reason=Pathway.StartReason.DISCHARGE,
                    started_at=_at(today, 0, 6, 30),
                    ready_for_discharge_at=_at(today, 0, 6, 30),
                    planned_discharge_at=_at(today, -1, 12),
                    primary_contact=actor,
                    previous=running,
                    now=now,
                )
                created += 1
            created += 1
            continue
        if not readmission_done and ward is not None and k >= 4 and reason == "discharge":
            # Discharged 30 days ago, readmitted 18 days ago, home again 12 days ago.
            readmission_done = True
            _start(
                patient,
                version=version,
                unit=service.unit,
                actor=actor,
                days_ago=30,
                reason=reason,
                today=today,
            )
            admitted = _at(today, 18, 10)
            _work_through(patient, actor=actor, until=admitted, rng=rng, today=today, p_done=0.9)
            services.event_record(
                actor=actor,
                patient=patient,
                kind="admission",
                occurred_at=admitted,
                ward=ward,
                now=now,
            )
            hph6 = StopPoint.objects.get(pathway__patient=patient, definition__code="HPH6")
            _sign(
                hph6,
                actor=actor,
                at=admitted + timedelta(hours=1, minutes=40),
                rng=rng,
                today=today,
            )
            services.event_record(
                actor=actor,
                patient=patient,
                kind="return_home",
                occurred_at=_at(today, 12, 13),
                now=now,
            )
            _work_through(patient, actor=actor, until=now, rng=rng, today=today)
            created += 2
            continue
        pathway = _start(
            patient,
            version=version,
            unit=service.unit,
            actor=actor,
            days_ago=days,
            reason=reason,
            today=today,
        )
        created += 1
        if k in (1, 8):
            fall = now - timedelta(hours=20 + k)
            _work_through(patient, actor=actor, until=fall, rng=rng, today=today)
            services.event_record(
                actor=actor,
                patient=patient,
                kind="fall",
                occurred_at=fall,
                note="Funnet på gulvet ved sengen.",
                now=now,
            )
            if k == 8:
                hph4 = StopPoint.objects.get(pathway=pathway, definition__code="HPH4")
                _sign(hph4, actor=actor, at=fall + timedelta(minutes=45), rng=rng, today=today)
        _work_through(patient, actor=actor, until=now, rng=rng, today=today)
    return created
