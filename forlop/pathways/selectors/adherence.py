"""Adherence: stop points done on time per stop point, unit or employee, in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Unit, User
from forlop.core.tz import OSLO
from forlop.pathways import models
from forlop.pathways.deadlines import start_of_day
from forlop.pathways.models import deadline_passed_q, met_deadline_q
from forlop.patients.models import visible_patient_ids


@dataclass(frozen=True, slots=True)
class AdherenceRow:
    """Adherence for one group: instances whose deadline falls in the period.

    ``n_due`` counts every instance in the group; ``n_pending`` those not decided yet (not
    done and the deadline has not passed). ``share_on_time`` is ``n_on_time`` out of the
    decided ones (on time + late + missed), None when none is decided.
    """

    label: str
    n_due: int
    n_on_time: int
    n_late: int
    n_missed: int
    share_on_time: float | None
    n_pending: int = 0
    key: Any = None
    # Beside the denominator, never hidden (issue 9): interrupted by an admission before the
    # deadline, and marked not relevant.
    n_interrupted: int = 0
    n_not_relevant: int = 0


AdherenceBy = Literal["definition", "unit", "employee"]

#: The figures of a row, each a link to the stop points behind it (``adherence_stop_points``).
STATUSES: tuple[str, ...] = (
    "due",
    "on_time",
    "late",
    "missed",
    "pending",
    "interrupted",
    "not_relevant",
)


def status_filters(now: datetime) -> dict[str, Q]:
    """The filter of each figure in a row (``STATUSES``), as of ``now``: the counts and the
    lists behind them use the same conditions, so a list has as many rows as its figure."""
    not_relevant = Q(not_relevant_at__lte=now)
    relevant = ~not_relevant & ~Q(interrupted_at__lte=now)
    completed = Q(completed_at__isnull=False, completed_at__lte=now)
    done = relevant & completed
    missed = relevant & ~completed & deadline_passed_q(now)
    return {
        "due": relevant,
        "on_time": done & met_deadline_q(),
        "late": done & ~met_deadline_q(),
        "missed": missed,
        "pending": relevant & ~completed & ~deadline_passed_q(now),
        "interrupted": Q(interrupted_at__lte=now) & ~not_relevant,
        "not_relevant": not_relevant,
    }


def _counted(
    *, units: Sequence[Unit] | QuerySet[Unit], date_from: date, date_to: date
) -> QuerySet[models.StopPoint]:
    """The instances adherence counts: the chain's stop points of ``units`` due in the period,
    and those an event starts (HPH4 after a fall or decline, HPH6 at an admission: each has its
    deadline, though it is not a step of the chain). The daily care plan is not counted."""
    return models.StopPoint.objects.filter(
        Q(definition__in_chain=True) | Q(definition__trigger=models.TriggerChoices.EVENT),
        pathway__unit__in=units,
        due_at__gte=start_of_day(date_from),
        due_at__lt=start_of_day(date_to + timedelta(days=1)),
    )


def adherence_stop_points(
    *,
    units: Sequence[Unit] | QuerySet[Unit],
    date_from: date,
    date_to: date,
    now: datetime,
    status: str,
    code: str = "",
    unit_id: int | None = None,
    person_id: int | None = None,
    nobody: bool = False,
) -> QuerySet[models.StopPoint]:
    """The stop points behind one figure of the leaders' view (a status of a row: a stop
    point's code, a unit, or a person, ``nobody`` for "Nobody assigned"), soonest deadline
    first. Not yet limited to the patients the viewer may see: the caller does that."""
    if status not in STATUSES:
        raise ValueError(f"Unknown status {status!r}")
    qs = _counted(units=units, date_from=date_from, date_to=date_to).filter(
        status_filters(now)[status]
    )
    if code:
        qs = qs.filter(definition__code=code)
    if unit_id is not None:
        qs = qs.filter(pathway__unit_id=unit_id)
    if person_id is not None or nobody:
        qs = qs.annotate(
            person=Coalesce("completed_by_id", "assignee_id", output_field=IntegerField())
        ).filter(person=person_id if not nobody else None)
    return qs.select_related(
        "definition", "pathway__patient", "pathway__unit", "completed_by", "assignee"
    ).order_by("due_at", "pk")


def adherence_stop_points_page(
    *,
    user: User,
    now: datetime,
    page_number: int | str | None,
    figure: dict[str, Any],
    page_size: int = 50,
    **filters: Any,
) -> tuple[int, Page[models.StopPoint]]:
    """One page of ``adherence_stop_points`` for ``user``: only the stop points of patients the
    user has a service need for, and the count before that limit (the others are counted, not
    listed). Writes one audit row naming the patients shown, with ``figure`` (which figure of
    the leaders' view they stand behind)."""
    qs = adherence_stop_points(now=now, **filters)
    total = qs.count()
    shown = qs.filter(pathway__patient_id__in=visible_patient_ids(user, now=now))
    page = Paginator(shown, page_size).get_page(page_number)
    page.object_list = list(page.object_list)
    patients = sorted({sp.pathway.patient_id for sp in page.object_list})
    if patients:
        with transaction.atomic():
            audit_record(
                actor=user,
                verb=AuditVerb.PATIENT_VIEWED,
                data={"list": patients, "leaders": figure},
            )
    return total, page


@dataclass(frozen=True, slots=True)
class TrendPoint:
    month: date
    share_on_time: float | None
    n_decided: int


def adherence_trend(
    *,
    units: Sequence[Unit] | QuerySet[Unit],
    last_day: date,
    now: datetime,
    months: int = 6,
) -> dict[str, list[TrendPoint]]:
    """The share on time per stop point (code) for each of the ``months`` calendar months up
    to ``last_day``'s month, oldest first; one aggregate query for every stop point. A month
    with nothing decided has ``share_on_time`` None."""
    first_month = date(last_day.year, last_day.month, 1)
    for _step in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    month_starts = [first_month]
    while len(month_starts) < months:
        nxt = (month_starts[-1] + timedelta(days=32)).replace(day=1)
        month_starts.append(nxt)
    end = (month_starts[-1] + timedelta(days=32)).replace(day=1)
    q = status_filters(now)
    grouped = (
        _counted(units=units, date_from=first_month, date_to=end - timedelta(days=1))
        .annotate(month=TruncMonth("due_at", tzinfo=OSLO))
        .values("definition__code", "month")
        .annotate(
            n_on_time=Count("pk", filter=q["on_time"]),
            n_late=Count("pk", filter=q["late"]),
            n_missed=Count("pk", filter=q["missed"]),
        )
        .order_by()
    )
    found: dict[tuple[str, date], tuple[int, int]] = {}
    for row in grouped:
        month = row["month"]
        month_day = month.date() if isinstance(month, datetime) else month
        decided = row["n_on_time"] + row["n_late"] + row["n_missed"]
        found[(row["definition__code"], month_day)] = (row["n_on_time"], decided)
    codes = sorted({code for code, _month in found})
    trend: dict[str, list[TrendPoint]] = {}
    for code in codes:
        points = []
        for month in month_starts:
            on_time, decided = found.get((code, month), (0, 0))
            points.append(TrendPoint(month, on_time / decided if decided else None, decided))
        trend[code] = points
    return trend


def adherence(
    *,
    units: Sequence[Unit] | QuerySet[Unit],
    date_from: date,
    date_to: date,
    now: datetime,
    by: AdherenceBy = "definition",
) -> list[AdherenceRow]:
    """Adherence per stop point, unit or employee, computed by the database.

    Counted: instances of the chain's definitions (``in_chain``) and of those an event starts
    (HPH4, HPH6; see ``_counted``) in the given units whose
    deadline (its date in Europe/Oslo) falls in ``date_from``..``date_to`` (inclusive).
    Those marked not relevant or interrupted are left out of ``n_due`` and the share, and
    counted beside them (``n_not_relevant``, ``n_interrupted``). As of ``now``: on time = completed by the
    deadline; late = completed after it; missed = not completed and the deadline has passed.
    ``by="employee"`` groups by who signed (or, when not done, the assignee).
    """
    qs = _counted(units=units, date_from=date_from, date_to=date_to)
    q = status_filters(now)
    counts = {
        "n_due": Count("pk", filter=q["due"]),
        "n_on_time": Count("pk", filter=q["on_time"]),
        "n_late": Count("pk", filter=q["late"]),
        "n_missed": Count("pk", filter=q["missed"]),
        "n_interrupted": Count("pk", filter=q["interrupted"]),
        "n_not_relevant": Count("pk", filter=q["not_relevant"]),
    }
    if by == "definition":
        grouped = (
            qs.values(key=F("definition__code"))
            .annotate(title=Min("definition__title"), **counts)
            .order_by("key")
        )
        labels = {row["key"]: f"{row['key']} {row['title']}" for row in grouped}
    elif by == "unit":
        grouped = (
            qs.values(key=F("pathway__unit_id"))
            .annotate(title=Min("pathway__unit__name"), **counts)
            .order_by("title", "key")
        )
        labels = {row["key"]: row["title"] for row in grouped}
    elif by == "employee":
        grouped = (
            qs.annotate(
                person=Coalesce("completed_by_id", "assignee_id", output_field=IntegerField())
            )
            .values(key=F("person"))
            .annotate(**counts)
            .order_by("key")
        )
        people = User.objects.filter(pk__in=[row["key"] for row in grouped if row["key"]])
        labels = {person.pk: str(person) for person in people}
        labels[None] = _("Nobody assigned")
    else:
        raise ValueError(f"Unknown grouping {by!r}")
    rows = [
        AdherenceRow(
            label=labels.get(row["key"], str(row["key"])),
            n_due=row["n_due"],
            n_on_time=row["n_on_time"],
            n_late=row["n_late"],
            n_missed=row["n_missed"],
            share_on_time=_share(row["n_on_time"], row["n_late"] + row["n_missed"]),
            n_pending=row["n_due"] - row["n_on_time"] - row["n_late"] - row["n_missed"],
            key=row["key"],
            n_interrupted=row["n_interrupted"],
            n_not_relevant=row["n_not_relevant"],
        )
        for row in grouped
    ]
    if by == "employee":
        rows.sort(key=lambda r: (r.key is None, r.label))
    return rows


def _share(on_time: int, other_decided: int) -> float | None:
    decided = on_time + other_decided
    return on_time / decided if decided else None


@dataclass(frozen=True, slots=True)
class ChainCompleteness:
    """The trial's measure for one period: of the pathways whose chain ended in it, how many
    got at least ``at_least`` of the main checklists done."""

    n_pathways: int
    n_met: int

    @property
    def share(self) -> float | None:
        return self.n_met / self.n_pathways if self.n_pathways else None


def three_of_four(
    *,
    units: Sequence[Unit] | QuerySet[Unit],
    date_from: date,
    date_to: date,
    now: datetime,
    at_least: int = 3,
) -> ChainCompleteness:
    """The trial's "3 of the 4 main checklists" for the pathways whose chain ended in a period,
    in one query: the leaders' weekly view of the measure ``main-checklists-3-of-4``.

    The main checklists are template data (``StopPointDefinition.main_checklist``), as in the
    measure, and a main checklist missed, interrupted or marked not relevant counts as not
    done, as there. The measure counts pathways by the month they started, once settled; a
    week's summary cannot wait for that, so here a pathway counts in the period in which its
    last main checklist (first occurrence) fell due (Europe/Oslo dates, inclusive).
    """
    period_start = start_of_day(date_from)
    period_end = start_of_day(date_to + timedelta(days=1))
    main = models.StopPoint.objects.filter(
        pathway_id=OuterRef("pk"), definition__main_checklist=True, occurrence=1
    ).order_by()
    last_due = main.values("pathway_id").annotate(last=Max("due_at")).values("last")
    done = (
        main.filter(completed_at__lte=now).values("pathway_id").annotate(n=Count("pk")).values("n")
    )
    counts = (
        models.Pathway.objects.filter(unit__in=units)
        .annotate(
            chain_ends_at=Subquery(last_due),
            done=Coalesce(Subquery(done, output_field=IntegerField()), 0),
        )
        .filter(chain_ends_at__gte=period_start, chain_ends_at__lt=period_end)
        .aggregate(n_pathways=Count("pk"), n_met=Count("pk", filter=Q(done__gte=at_least)))
    )
    return ChainCompleteness(n_pathways=counts["n_pathways"], n_met=counts["n_met"])
