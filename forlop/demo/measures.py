"""Demo history for the measures: 30 months of past pathways for the Horten home-care units,
so the charts show real runs and a shift.

The pathway demo creates only current pathways, so this writes HISTORICAL rows directly
(Pathway, StopPoint and PathwayEvent with past dates; ``created_at`` set to when they happened)
on the published national HPH version, for the demo patients. Randomness is seeded, so every
machine gets the same history. Each pathway follows the timeline: it starts at the ready-for-discharge report, the patient
leaves the next day as planned and arrives home two hours later; HPH0 falls due at the planned
discharge, HPH2, HPH3 and HPH5 count from the arrival home, and some main checklists are never
done (missed). A documented change about 12 months before ``today`` (a new routine for the
nurse assessment at arrival home) raises the share of HPH2 done within 3 days from about 55 %
to about 90 %, and the share of patients who got at least 3 of the 4 main checklists from
about a third (the trial: 36 %) to about four in five: the run charts show a shift. The annotation that documents the
change belongs to the improvement team (``forlop.demo.improvement`` uses ``change_date``).
About one patient in ten goes to a short-term stay before coming home, every readmission
has its hospital stay (2-9 days), and every completed HPH2 and HPH5 has an IPLOS function
score, so the days-at-home and IPLOS-change measures have numbers; these draw from a
generator of their own, so the adherence history is the same as before they were added.
Idempotent: nothing is written when the history exists (marked by ``end_reason``).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import F

from forlop.authoring.defaults import install_national_defaults
from forlop.core.models import Unit, User
from forlop.core.tz import OSLO
from forlop.measures.definitions import install_default_measures
from forlop.pathways.models import (
    ChecklistAnswer,
    Pathway,
    PathwayEvent,
    StopPoint,
    TemplateVersion,
)
from forlop.patients.models import HospitalStay, Patient

MARKER = "measures-demo-history"
MONTHS = 30
UNITS = ("horten-nord", "horten-sor")
WARD = "siv-med"  # the readmissions' stays (Sykehuset i Vestfold, medical ward)
CHANGE_TEXT = "Ny rutine: HPH2-vurdering planlegges før hjemreise"


def _months_back(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def change_date(today: date) -> date:
    return _months_back(today, 12) + timedelta(days=14)


@transaction.atomic
def load_measures_demo(*, today: date) -> int:
    """Create the history if missing; return the number of pathways created."""
    install_default_measures()
    units = list(Unit.objects.filter(code__in=UNITS).order_by("code"))
    patients = list(Patient.objects.filter(municipality__code="horten").order_by("pk"))
    if not units or not patients or Pathway.objects.filter(end_reason=MARKER).exists():
        return 0
    version = (
        install_national_defaults()["hph"]
        .versions.filter(status=TemplateVersion.Status.PUBLISHED)
        .order_by("-number")
        .first()
    )
    definitions = {d.code: d for d in version.definitions.all()}
    # Each unit's demo nurse is the primary contact of its history (the leaders' view counts
    # the 3-of-4 measure per primary contact).
    contacts = {
        "horten-nord": User.objects.filter(username="sykepleier").first(),
        "horten-sor": User.objects.filter(username="sykepleier2").first(),
    }
    changed = change_date(today)
    rng = random.Random(39012)
    # The outcomes (short stays, the readmissions' hospital stays, IPLOS scores) draw from a
    # generator of their own, so the adherence history above stays as it was.
    outcome_rng = random.Random(40917)
    pathways: list[Pathway] = []
    # (pathway index, per main checklist (chance done, chance done on time), readmission chance)
    plans: list[tuple[int, dict[str, tuple[float, float]], float]] = []
    first = _months_back(today, MONTHS)
    day = first
    while day < today - timedelta(days=30):
        for unit in units:
            if rng.random() < 0.1:  # two to three pathways a week per unit
                continue
            # The pathway starts at the ready-for-discharge report; the patient leaves the
            # next day as planned and is home two hours later.
            started = datetime.combine(day, time(rng.randrange(9, 16)), tzinfo=OSLO)
            discharged = datetime.combine(day + timedelta(days=1), time(12), tzinfo=OSLO)
            after = day >= changed
            # About one in ten goes to a short-term stay first and comes home 2-6 days later.
            short_stay = outcome_rng.random() < 0.1
            home_at = discharged + (
                timedelta(days=outcome_rng.randrange(2, 7)) if short_stay else timedelta(hours=2)
            )
            pathways.append(
                Pathway(
                    patient=patients[len(pathways) % len(patients)],
                    version=version,
                    unit=unit,
                    primary_contact=contacts.get(unit.code),
                    start_reason=Pathway.StartReason.DISCHARGE,
                    started_at=started,
                    ready_for_discharge_at=started,
                    planned_discharge_at=discharged,
                    discharged_at=discharged,
                    short_stay_kind="short_term" if short_stay else "",
                    short_stay_started_at=discharged if short_stay else None,
                    arrived_home_at=home_at,
                    ended_at=discharged + timedelta(days=35),
                    end_reason=MARKER,
                )
            )
            # Per main checklist: the chance it is done at all, and done on time. Before the
            # change about a third of the patients get 3 of the 4 (the trial: 36 %).
            plans.append(
                (
                    len(pathways) - 1,
                    {
                        "HPH0": (0.85, 0.75) if after else (0.6, 0.5),
                        "HPH2": (0.97, 0.9) if after else (0.6, 0.55),
                        "HPH3": (0.8, 0.7) if after else (0.5, 0.4),
                        "HPH5": (0.85, 0.75) if after else (0.5, 0.4),
                    },
                    0.12 if after else 0.18,
                )
            )
        day += timedelta(days=rng.choice((2, 3, 4)))
    created = Pathway.objects.bulk_create(pathways)
    stop_points: list[StopPoint] = []
    events: list[PathwayEvent] = []
    stays: list[HospitalStay] = []
    ward = Unit.objects.filter(code=WARD).first()
    for index, chances, readmit in plans:
        pathway = created[index]
        home = pathway.arrived_home_at.astimezone(OSLO)
        # HPH0 falls due at the planned discharge (0 hours); the others count whole days
        # from the arrival home.
        deadlines: list[tuple[str, datetime, datetime, bool]] = [
            ("HPH0", pathway.planned_discharge_at, pathway.planned_discharge_at, False)
        ]
        for code, days in (("HPH2", 3), ("HPH3", 14), ("HPH5", 28)):
            due = datetime.combine((home + timedelta(days=days)).date(), time.min, tzinfo=OSLO)
            deadlines.append((code, due, due + timedelta(days=1), True))
        for code, due, ends, all_day in deadlines:
            done_chance, on_time_chance = chances[code]
            draw = rng.random()
            if draw < on_time_chance:
                completed: datetime | None = ends - timedelta(hours=rng.randrange(1, 20))
            elif draw < done_chance:
                completed = ends + timedelta(hours=rng.randrange(2, 96))
            else:
                completed = None  # missed
            stop_points.append(
                StopPoint(
                    pathway=pathway,
                    definition=definitions[code],
                    triggered_at=pathway.started_at,
                    opens_at=pathway.started_at,
                    due_at=due,
                    due_all_day=all_day,
                    ends_at=ends,
                    completed_at=completed,
                )
            )
        if rng.random() < readmit:
            admitted = pathway.started_at + timedelta(days=rng.randrange(3, 29))
            events.append(
                PathwayEvent(
                    patient=pathway.patient,
                    pathway=pathway,
                    kind="admission",
                    occurred_at=admitted,
                )
            )
            if ward is not None:  # the stay the admission began, 2-9 days
                stays.append(
                    HospitalStay(
                        patient=pathway.patient,
                        ward=ward,
                        admitted_at=admitted,
                        discharged_at=admitted + timedelta(days=outcome_rng.randrange(2, 10)),
                    )
                )
    StopPoint.objects.bulk_create(stop_points)
    PathwayEvent.objects.bulk_create(events)
    HospitalStay.objects.bulk_create(stays)
    answers = _iplos_scores(stop_points, outcome_rng)
    # Registered when it happened, so "as of" a past time gives the numbers of that time.
    # Selected by the ids just written, not by a filter across the relation: Django sends that
    # as "id IN (SELECT ... JOIN pathways_pathway ...)", and with statistics taken while the
    # tables were empty (a new database, or autovacuum between test transactions) PostgreSQL
    # planned it as nested loops over every row, O(n²·m), past the 60 s statement timeout.
    # "pathway_id IN (ids)" is an index lookup whatever the statistics say.
    ids = [pathway.pk for pathway in created]
    Pathway.objects.filter(pk__in=ids).update(created_at=F("started_at"))
    StopPoint.objects.filter(pathway_id__in=ids).update(created_at=F("triggered_at"))
    PathwayEvent.objects.filter(pathway_id__in=ids).update(created_at=F("occurred_at"))
    HospitalStay.objects.filter(pk__in=[stay.pk for stay in stays]).update(
        created_at=F("admitted_at")
    )
    ChecklistAnswer.objects.filter(pk__in=[answer.pk for answer in answers]).update(
        created_at=F("answered_at")
    )
    return len(created)


def _iplos_scores(stop_points: list[StopPoint], rng: random.Random) -> list[ChecklistAnswer]:
    """The IPLOS function score (the template's ``iplos-skar``) at every completed HPH2 and
    HPH5: 2 to 4 at HPH2, and at HPH5 most patients a little more independent."""
    nurse = User.objects.filter(username="sykepleier").first()
    if nurse is None:
        return []
    first: dict[int, float] = {}
    answers: list[ChecklistAnswer] = []
    items: dict[int, object] = {}
    for stop_point in stop_points:
        code = stop_point.definition.code
        if code not in ("HPH2", "HPH5") or stop_point.completed_at is None:
            continue
        if stop_point.definition_id not in items:
            items[stop_point.definition_id] = stop_point.definition.items.filter(
                key="iplos-skar"
            ).first()
        item = items[stop_point.definition_id]
        if item is None:
            continue
        if code == "HPH2":
            score = first[stop_point.pathway_id] = rng.randrange(8, 17) / 4
        else:
            start = first.get(stop_point.pathway_id, rng.randrange(8, 17) / 4)
            score = min(5.0, max(1.0, start + rng.choice((-0.75, -0.5, -0.5, -0.25, 0, 0.25))))
        answers.append(
            ChecklistAnswer(
                stop_point=stop_point,
                item=item,
                value=score,
                answered_by=nurse,
                answered_at=stop_point.completed_at,
            )
        )
    return ChecklistAnswer.objects.bulk_create(answers)
