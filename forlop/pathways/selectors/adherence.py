"""Adherence: stop points done on time per stop point, unit or employee, in the database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db.models import Count, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
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
    deadline (its date in Europe/Oslo) falls in ``date_from``..``date_to`` (inclusive),
    except those marked not relevant or interrupted. As of ``now``: on time = completed by the
    deadline; late = completed after it; missed = not completed and the deadline has passed.
    ``by="employee"`` groups by who signed (or, when not done, the assignee).
    """
    period_start = start_of_day(date_from)
    period_end = start_of_day(date_to + timedelta(days=1))
    done = Q(completed_at__isnull=False, completed_at__lte=now)
    on_time = done & met_deadline_q()
    qs = (
        models.StopPoint.objects.filter(
            pathway__unit__in=units,
            definition__in_chain=True,
            due_at__gte=period_start,
            due_at__lt=period_end,
        )
        .exclude(not_relevant_at__lte=now)
        .exclude(interrupted_at__lte=now)
    )
    counts = {
        "n_due": Count("pk"),
        "n_on_time": Count("pk", filter=on_time),
        "n_late": Count("pk", filter=done & ~met_deadline_q()),
        "n_missed": Count("pk", filter=~done & deadline_passed_q(now)),
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
        )
        for row in grouped
    ]
    if by == "employee":
        rows.sort(key=lambda r: (r.key is None, r.label))
    return rows


def _share(on_time: int, other_decided: int) -> float | None:
    decided = on_time + other_decided
    return on_time / decided if decided else None


TRIAL_CHECKLISTS = ("HPH1", "HPH2", "HPH3", "HPH5")
"""The four main checklists of the HPH trial (Røsstad): the hospital's preparation, the home
nurse's follow-up, the GP's visit and the four-week conversation. Listed last is the one that
ends the chain."""


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
    codes: Sequence[str] = TRIAL_CHECKLISTS,
    at_least: int = 3,
) -> ChainCompleteness:
    """The trial's "3 of the 4 main checklists" measure (36 % in 2017), in one query.

    Counted: pathways in ``units`` whose last checklist (``codes[-1]``, first occurrence) was
    due in ``date_from``..``date_to`` (Europe/Oslo dates, inclusive), unless it was marked not
    relevant or interrupted by ``now``; met: at least ``at_least`` of ``codes`` completed by
    ``now``.
    """
    period_start = start_of_day(date_from)
    period_end = start_of_day(date_to + timedelta(days=1))
    ended = (
        models.StopPoint.objects.filter(
            pathway__unit__in=units,
            definition__code=codes[-1],
            occurrence=1,
            due_at__gte=period_start,
            due_at__lt=period_end,
        )
        .exclude(not_relevant_at__lte=now)
        .exclude(interrupted_at__lte=now)
        .values("pathway_id")
    )
    done = (
        models.StopPoint.objects.filter(
            pathway_id=OuterRef("pk"),
            definition__code__in=codes,
            occurrence=1,
            completed_at__lte=now,
        )
        .order_by()
        .values("pathway_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts = (
        models.Pathway.objects.filter(pk__in=ended)
        .annotate(done=Coalesce(Subquery(done, output_field=IntegerField()), 0))
        .aggregate(n_pathways=Count("pk"), n_met=Count("pk", filter=Q(done__gte=at_least)))
    )
    return ChainCompleteness(n_pathways=counts["n_pathways"], n_met=counts["n_met"])
