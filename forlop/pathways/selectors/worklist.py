"""The work list: open stop points of the user's patients, overdue, due today and this week.

The list, the menu badge, the print view and the leaders' overdue list all start from
``worklist_scope``, so their numbers agree for every role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, Q, QuerySet
from django.urls import reverse

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Role, Unit, User
from forlop.core.tz import OSLO
from forlop.pathways import mappers, models, rules
from forlop.pathways.deadlines import start_of_day
from forlop.pathways.models import deadline_passed_q
from forlop.pathways.selectors.responsibility import stop_point_responsible
from forlop.patients.models import Patient, visible_patient_ids


@dataclass(frozen=True, slots=True)
class WorkItem:
    stop_point: models.StopPoint
    patient: Patient
    code: str
    title: str
    due_at: datetime
    all_day: bool
    responsible: User | None
    status: rules.StopPointStatus


@dataclass(frozen=True, slots=True)
class WorkList:
    overdue: list[WorkItem] = field(default_factory=list)
    due_today: list[WorkItem] = field(default_factory=list)
    due_this_week: list[WorkItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.due_this_week)

    def patients(self) -> list[Patient]:
        """Each patient on the list once, in the list's order."""
        items = [*self.overdue, *self.due_today, *self.due_this_week]
        return list({item.patient.pk: item.patient for item in items}.values())

    def patient_ids(self) -> list[int]:
        return sorted(patient.pk for patient in self.patients())


def _week_end(today: date) -> date:
    """The Sunday ending ``today``'s week (``today`` itself on a Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def worklist_scope(
    *,
    user: User,
    now: datetime,
    unit: Unit | None = None,
    assignee: User | None = None,
) -> QuerySet[models.StopPoint]:
    """Open stop points in running pathways of patients the user has a service need for.

    ``unit`` keeps the pathways of that unit (the unit's list); without it this is the user's
    own list: the stop points whose responsible role is one of the user's roles or that are
    assigned to them (a GP sees the GP visits, the allocation office its discharge
    preparations), unless the user leads a unit and so follows everything. ``assignee`` keeps
    the stop points that person is responsible for (assigned to them, or unassigned in a
    pathway where they are the primary contact).
    """
    qs = (
        models.StopPoint.objects.open()
        .in_running_pathways()
        # The ids the access rule allows, as a subquery: the plan starts from the user's
        # patients (their running pathways, then their open stop points; partial indexes).
        .filter(pathway__patient_id__in=visible_patient_ids(user, now=now))
    )
    if unit is not None:
        qs = qs.filter(pathway__unit=unit)
    else:
        # Subqueries, not a separate read of the roles: the list stays one SELECT.
        memberships = Membership.objects.filter(user=user, active=True)
        qs = qs.filter(
            Exists(memberships.filter(role=Role.UNIT_LEADER))
            | Q(definition__responsible_role__in=memberships.values("role"))
            | Q(assignee=user)
        )
    if assignee is not None:
        qs = qs.filter(
            Q(assignee=assignee) | Q(assignee__isnull=True, pathway__primary_contact=assignee)
        )
    return qs


def _horizon(now: datetime) -> tuple[datetime, datetime]:
    """(start of tomorrow, start of the Monday after this week), in Europe/Oslo."""
    today = now.astimezone(OSLO).date()
    return start_of_day(today + timedelta(days=1)), start_of_day(
        _week_end(today) + timedelta(days=1)
    )


def _in_horizon(qs: QuerySet[models.StopPoint], now: datetime) -> QuerySet[models.StopPoint]:
    week_ends = _horizon(now)[1]
    return qs.filter(Q(due_at__lt=week_ends) | deadline_passed_q(now))


def _build(stop_points: Iterable[models.StopPoint], *, now: datetime) -> WorkList:
    tomorrow_starts = _horizon(now)[0]
    result = WorkList()
    for sp in stop_points:
        status = mappers.stop_point_status(sp, now=now)
        item = WorkItem(
            stop_point=sp,
            patient=sp.pathway.patient,
            code=sp.definition.code,
            title=sp.definition.title,
            due_at=sp.due_at,
            all_day=sp.due_all_day,
            responsible=stop_point_responsible(sp),
            status=status,
        )
        if status is rules.StopPointStatus.OVERDUE:
            result.overdue.append(item)
        elif sp.due_at < tomorrow_starts:
            result.due_today.append(item)
        else:
            result.due_this_week.append(item)
    return result


_USERS = ("assignee", "pathway__patient__gp", "pathway__primary_contact")


def _listed(qs: QuerySet[models.StopPoint], now: datetime) -> WorkList:
    return _build(
        _in_horizon(qs, now)
        .select_related(
            "definition",
            "assignee",
            "pathway__patient__gp",
            "pathway__primary_contact",
            "pathway__unit",
        )
        # The cards never show a password hash: leave the users' hashes in the database.
        .defer(*(f"{user}__password" for user in _USERS))
        .order_by("ends_at", "due_at", "pk"),
        now=now,
    )


def worklist(
    *,
    user: User,
    now: datetime,
    unit: Unit | None = None,
    assignee: User | None = None,
) -> WorkList:
    """The user's work list (``worklist_scope``) within this week, grouped by status.

    Dates are calendar dates in Europe/Oslo; "this week" ends on Sunday. Two queries (the list
    and one audit row naming the patients shown), whatever the number of patients.
    """
    result = _listed(worklist_scope(user=user, now=now, unit=unit, assignee=assignee), now)
    audit_record(  # one INSERT; no transaction needed
        actor=user,
        verb=AuditVerb.WORKLIST_VIEWED,
        data={
            "unit": unit.code if unit is not None else None,
            "items": result.total,
            "patients": result.patient_ids(),
        },
    )
    return result


def worklist_for_unit(*, unit: Unit, now: datetime) -> WorkList:
    """The work list of a unit, for the CLI (a system read without a user; audited)."""
    qs = models.StopPoint.objects.open().in_running_pathways().filter(pathway__unit=unit)
    result = _listed(qs, now)
    audit_record(
        actor=None,
        verb=AuditVerb.WORKLIST_VIEWED,
        data={"unit": unit.code, "items": result.total, "patients": result.patient_ids()},
    )
    return result


@dataclass(frozen=True, slots=True)
class ScheduleEntry:
    """A stop point in the day's schedule: what the calendar feeds and the A4 day list show.

    Only what the user may see and needs to plan the day: the patient's initials, the stop
    point's name, its deadline (a whole day, or a time) and the link to it. The link opens
    through the access function, so it shows nothing more to anyone without service need.
    """

    stop_point_id: int
    initials: str
    code: str
    title: str
    due_at: datetime
    all_day: bool
    status: rules.StopPointStatus

    @property
    def path(self) -> str:
        return reverse("pathways:stop-point-detail", args=[self.stop_point_id])

    @property
    def summary(self) -> str:
        return f"{self.initials} – {self.code} {self.title}"


def patient_initials(patient: Patient) -> str:
    """ "Astrid Marie Testesen" → "A.M.T."."""
    names = f"{patient.given_name} {patient.family_name}".replace("-", " ").split()
    return "".join(f"{name[0].upper()}." for name in names if name)


def schedule_entry(item: WorkItem) -> ScheduleEntry:
    return ScheduleEntry(
        stop_point_id=item.stop_point.pk,
        initials=patient_initials(item.patient),
        code=item.code,
        title=item.title,
        due_at=item.due_at,
        all_day=item.all_day,
        status=item.status,
    )


def schedule(
    *, user: User, now: datetime, unit: Unit | None = None, days_ahead: int = 28
) -> list[ScheduleEntry]:
    """The user's stop points (``worklist_scope``) that are overdue or due within
    ``days_ahead`` days, as schedule entries, by deadline: the calendar feeds. Two queries (the
    stop points and one audit row naming the patients), whatever the number of patients."""
    horizon = start_of_day(now.astimezone(OSLO).date() + timedelta(days=days_ahead + 1))
    stop_points = (
        worklist_scope(user=user, now=now, unit=unit)
        .filter(Q(due_at__lt=horizon) | deadline_passed_q(now))
        .select_related(
            "definition",
            "assignee",
            "pathway__patient__gp",
            "pathway__primary_contact",
            "pathway__unit",
        )
        .order_by("due_at", "pk")
    )
    work = _build(stop_points, now=now)
    entries = sorted(
        (schedule_entry(item) for item in [*work.overdue, *work.due_today, *work.due_this_week]),
        key=lambda entry: (entry.due_at, entry.stop_point_id),
    )
    audit_record(
        actor=user,
        verb=AuditVerb.WORKLIST_VIEWED,
        data={
            "view": "schedule",
            "unit": unit.code if unit is not None else None,
            "items": len(entries),
            "patients": work.patient_ids(),
        },
    )
    return entries


def worklist_counts(*, user: User, now: datetime, unit: Unit | None = None) -> dict[str, int]:
    """How many stop points of the user's list are overdue and due today: the same scope as
    ``worklist``, counted in the database (one query, no audit: no patient is shown)."""
    tomorrow_starts = _horizon(now)[0]
    passed = deadline_passed_q(now)
    counts = worklist_scope(user=user, now=now, unit=unit).aggregate(
        overdue=Count("pk", filter=passed),
        today=Count("pk", filter=~passed & Q(due_at__lt=tomorrow_starts)),
    )
    return {"overdue": counts["overdue"] or 0, "today": counts["today"] or 0}
