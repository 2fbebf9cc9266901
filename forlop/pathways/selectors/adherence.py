"""Adherence: stop points done on time per stop point, unit or employee, in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from forlop.core.models import Unit, User
from forlop.pathways import models
from forlop.pathways.deadlines import start_of_day
from forlop.pathways.models import deadline_passed_q, met_deadline_q


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


def adherence(
    *,
    units: Sequence[Unit] | QuerySet[Unit],
    date_from: date,
    date_to: date,
    now: datetime,
    by: AdherenceBy = "definition",
) -> list[AdherenceRow]:
    """Adherence per stop point, unit or employee, computed by the database.

    Counted: instances of main-checklist definitions (``in_chain``) in the given units whose
    deadline (its date in Europe/Oslo) falls in ``date_from``..``date_to`` (inclusive).
    Those marked not relevant or interrupted are left out of ``n_due`` and the share, and
    counted beside them (``n_not_relevant``, ``n_interrupted``). As of ``now``: on time = completed by the
    deadline; late = completed after it; missed = not completed and the deadline has passed.
    ``by="employee"`` groups by who signed (or, when not done, the assignee).
    """
    period_start = start_of_day(date_from)
    period_end = start_of_day(date_to + timedelta(days=1))
    not_relevant = Q(not_relevant_at__lte=now)
    interrupted = Q(interrupted_at__lte=now) & ~not_relevant
    relevant = ~not_relevant & ~Q(interrupted_at__lte=now)
    done = relevant & Q(completed_at__isnull=False, completed_at__lte=now)
    on_time = done & met_deadline_q()
    qs = models.StopPoint.objects.filter(
        pathway__unit__in=units,
        definition__in_chain=True,
        due_at__gte=period_start,
        due_at__lt=period_end,
    )
    counts = {
        "n_due": Count("pk", filter=relevant),
        "n_on_time": Count("pk", filter=on_time),
        "n_late": Count("pk", filter=done & ~met_deadline_q()),
        "n_missed": Count(
            "pk",
            filter=relevant
            & ~Q(completed_at__isnull=False, completed_at__lte=now)
            & deadline_passed_q(now),
        ),
        "n_interrupted": Count("pk", filter=interrupted),
        "n_not_relevant": Count("pk", filter=not_relevant),
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
