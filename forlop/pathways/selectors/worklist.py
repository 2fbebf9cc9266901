"""The work list: open stop points of the user's patients, overdue, due today and this week.

The list, the menu badge, the print view and the leaders' overdue list all start from
``worklist_scope``, so their numbers agree for every role.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any

from django.db import DatabaseError, connection, connections
from django.db.models import Count, Exists, F, Lookup, OuterRef, Q, QuerySet
from django.urls import reverse

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Role, Unit, User
from forlop.core.tz import OSLO
from forlop.pathways import mappers, models, rules
from forlop.pathways.deadlines import start_of_day
from forlop.pathways.models import deadline_passed_q
from forlop.pathways.selectors.responsibility import (
    OWNER_PREFETCH,
    OWNER_SELECT,
    PartOwner,
    person_columns,
    stop_point_owners,
    stop_point_responsible,
)
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
    owners: tuple[PartOwner, ...] = ()
    """The owner's part and every part for another role, with who answers and who signed."""
    mine: tuple[PartOwner, ...] = ()
    """The unsigned parts that put this stop point on the viewer's own list."""
    days_overdue: int | None = None
    """Whole days since the deadline's day (0: it passed today); None when not overdue."""

    @property
    def shown_code(self) -> str:
        """The code users see ("" for the daily care plan; ``code`` stays "DAILY")."""
        return self.stop_point.definition.shown_code


def days_overdue(due_at: datetime, *, now: datetime) -> int:
    """Calendar days (Europe/Oslo) from the deadline's day to ``now``'s day."""
    return (now.astimezone(OSLO).date() - due_at.astimezone(OSLO).date()).days


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


def _natural_person_q(person: User, role_field: str, prefix: str = "") -> Q:
    """The role in ``role_field`` has ``person`` as its natural person (the pathway's primary
    contact for the primary-contact role, the patient's GP for the GP role)."""
    return Q(**{role_field: Role.PRIMARY_CONTACT, f"{prefix}pathway__primary_contact": person}) | Q(
        **{role_field: Role.GP, f"{prefix}pathway__patient__gp": person}
    )


def worklist_scope(
    *,
    user: User,
    now: datetime,
    unit: Unit | None = None,
    assignee: User | None = None,
) -> QuerySet[models.StopPoint]:
    """Open stop points in running pathways of patients the user has a service need for.

    ``unit`` keeps the pathways of that unit (the unit's list); without it this is the user's
    own list: the stop points with an unsigned part (the owner's, or a part for another role)
    whose role is one of the user's roles or that is assigned to them (the allocation office
    sees HPH0 and HPH1, home care HPH3 until the visit is booked, the GP the GP's part of
    HPH3), unless the user leads a unit and so follows everything. ``assignee`` keeps the
    stop points with an unsigned part that person answers for (assigned to them, or
    unassigned and theirs by role: the pathway's primary contact, the patient's GP).
    """
    # The plan starts from the user's patients: the ids the access rule allows (a UNION),
    # their running pathways (partial index ``pathway_running_patient``), then those
    # pathways' open stop points (partial index ``stop_point_open_pathway``). Written as
    # "pathway IN (running pathways of visible patients)" so no plan has to read every open
    # stop point of the database and join it to the patients afterwards.
    running = models.Pathway.objects.filter(
        ended_at__isnull=True, patient_id__in=visible_patient_ids(user, now=now)
    )
    if unit is not None:
        running = running.filter(unit=unit)
    qs = models.StopPoint.objects.open().filter(pathway_id__in=running.values("pk"))
    open_parts = models.StopPointPart.objects.filter(
        stop_point=OuterRef("pk"), signed_at__isnull=True
    )
    owner_open = Q(owner_signed_at__isnull=True)
    if unit is None:
        # Subqueries, not a separate read of the roles: the list stays one SELECT.
        memberships = Membership.objects.filter(user=user, active=True)
        roles = memberships.values("role")
        qs = qs.filter(
            Exists(memberships.filter(role=Role.UNIT_LEADER))
            | (owner_open & (Q(definition__responsible_role__in=roles) | Q(assignee=user)))
            | Exists(open_parts.filter(Q(role__in=roles) | Q(assignee=user)))
        )
    if assignee is not None:
        owner_theirs = Q(assignee=assignee) | (
            Q(assignee__isnull=True) & _natural_person_q(assignee, "definition__responsible_role")
        )
        part_theirs = Q(assignee=assignee) | (
            Q(assignee__isnull=True) & _natural_person_q(assignee, "role", "stop_point__")
        )
        qs = qs.filter((owner_open & owner_theirs) | Exists(open_parts.filter(part_theirs)))
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


def _mine(
    owners: list[PartOwner], roles: frozenset[str] | None, user: User | None
) -> tuple[PartOwner, ...]:
    if roles is None or user is None:
        return ()
    return tuple(
        part
        for part in owners
        if not part.is_signed and (part.role in roles or (part.assigned and part.person == user))
    )


def _build(
    stop_points: Iterable[models.StopPoint],
    *,
    now: datetime,
    roles: frozenset[str] | None = None,
    user: User | None = None,
) -> WorkList:
    tomorrow_starts = _horizon(now)[0]
    result = WorkList()
    for sp in stop_points:
        status = mappers.stop_point_status(sp, now=now)
        owners = stop_point_owners(sp)
        item = WorkItem(
            stop_point=sp,
            patient=sp.pathway.patient,
            code=sp.definition.code,
            title=sp.definition.title,
            due_at=sp.due_at,
            all_day=sp.due_all_day,
            responsible=stop_point_responsible(sp),
            status=status,
            days_overdue=days_overdue(sp.due_at, now=now)
            if status is rules.StopPointStatus.OVERDUE
            else None,
            owners=tuple(owners),
            mine=_mine(owners, roles, user),
        )
        if status is rules.StopPointStatus.OVERDUE:
            result.overdue.append(item)
        elif sp.due_at < tomorrow_starts:
            result.due_today.append(item)
        else:
            result.due_this_week.append(item)
    return result


# The cards are open stop points: ``completed_by`` is read only of a completed one
# (``stop_point_owners``), so the cards leave out that join and its person.
CARD_SELECT = tuple(relation for relation in OWNER_SELECT if relation != "completed_by")

_USERS = (
    "assignee",
    "owner_signed_by",
    "pathway__patient__gp",
    "pathway__primary_contact",
)

CARD_COLUMNS = (
    # The stop point: its status (``mappers.stop_point_status``), deadline and owner's part.
    "opens_at",
    "due_at",
    "due_all_day",
    "ends_at",
    "completed_at",
    "owner_signed_at",
    "not_relevant_at",
    "interrupted_at",
    "definition__code",
    "definition__show_code",
    "definition__title",
    "definition__responsible_role",
    # The patient as a card and the print view name them; no identity number.
    "pathway__patient__given_name",
    "pathway__patient__family_name",
    "pathway__patient__address",
    # The key of the patient's cached panels (goals.selectors.goals_headers_for).
    "pathway__patient__created_at",
    "pathway__patient__panel_version",
    "pathway__unit__code",
    "pathway__unit__name",
    # The people: their names only (no password hash, nor the rest of the user row).
    *(column for user in _USERS for column in person_columns(user)),
)
"""The columns a card reads (``_cards``), of the stop point and what it joins: 48 of the wide
rows' 145 (without the password hashes), so a third of the values to send and to make in
Python. A column left out and then read costs a query per card; the page tests count the
queries."""


class _AnyOf(Lookup[Any]):
    """``lhs = ANY(rhs)``: the column is one of the array's values (PostgreSQL)."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", [*lhs_params, *rhs_params]


def by_ids(ids: QuerySet[Any]) -> Q | Lookup[Any]:
    """The rows whose pk is in ``ids`` (a one-column subquery), in a form that keeps the plan
    starting from those ids.

    On PostgreSQL ``pk = ANY(ARRAY(subquery))``: the subquery runs once, first, and the table
    is then read by primary key. A plain ``pk IN (subquery)`` becomes a semi-join, and with
    the dozen joins of the cards in the same statement PostgreSQL keeps the joins in the
    written order (``join_collapse_limit``): it read every open stop point, pathway and
    patient of the database before it applied the access rule (docs/scaling.md).
    """
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return _AnyOf(F("pk"), ArraySubquery(ids))
    return Q(pk__in=ids)


def _cards(
    qs: QuerySet[models.StopPoint] | list[int],
    now: datetime,
    *,
    user: User | None = None,
    roles: frozenset[str] | None = None,
) -> WorkList:
    """The cards of the stop points in ``qs``: the narrow scope picks the ids (its plan starts
    from the user's patients), and the wide read (the stop point, its pathway, patient, unit
    and the people on the card) looks those rows up by primary key, in the same statement.
    ``qs`` may also be the ids themselves, read already (a page's: a few dozen), so the wide
    read is a plain lookup by primary key and the ORM does not compile the narrow scope a
    second time inside it. ``roles``: the user's active roles, when the caller has them (else
    one query)."""
    if isinstance(qs, list) and not qs:
        return WorkList()
    if roles is None and user is not None:
        roles = frozenset(
            Membership.objects.filter(user=user, active=True).values_list("role", flat=True)
        )
    wide = (
        models.StopPoint.objects.select_related(*CARD_SELECT, "pathway__patient", "pathway__unit")
        .prefetch_related(*OWNER_PREFETCH)
        .only(*CARD_COLUMNS)
    )
    stop_points: Iterable[models.StopPoint]
    if isinstance(qs, list):
        # A page's few dozen rows are put in the list's order here: an ORDER BY over the
        # wide read's hundred columns costs the ORM more to compile than this sort.
        with _joins_as_written(wide.db):
            stop_points = sorted(wide.filter(pk__in=qs).order_by(), key=_list_order)
    else:
        stop_points = wide.filter(by_ids(qs.order_by().values("pk"))).order_by(*LIST_ORDER)
    return _build(stop_points, now=now, roles=roles, user=user)


@contextmanager
def _joins_as_written(using: str) -> Iterator[None]:
    """On PostgreSQL, plan the statements inside in the join order the ORM wrote.

    The wide read by primary key joins nine tables (the stop point, its definition, pathway,
    patient, unit and four people); the planner weighed their orders for 4 ms (median of 15,
    40k patients) to run the statement in 1. The written order starts from the ids, which is
    the plan it picks anyway; fixed, planning takes 0.6 ms. RESET gives back the server's
    setting, whatever it is."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET join_collapse_limit = 1")
    try:
        yield
    except BaseException:
        # In a transaction the failed statement aborted, the RESET fails too: the original
        # error is the one to see, and the transaction takes the SET back as it rolls back.
        with suppress(DatabaseError), connection.cursor() as cursor:
            cursor.execute("RESET join_collapse_limit")
        raise
    with connection.cursor() as cursor:
        cursor.execute("RESET join_collapse_limit")


LIST_ORDER = ("ends_at", "due_at", "pk")
"""The work list's order, in the database and in Python: when the deadline ends, the
deadline, then the id."""
_list_order = attrgetter(*LIST_ORDER)


def _listed(qs: QuerySet[models.StopPoint], now: datetime, *, user: User | None = None) -> WorkList:
    return _cards(_in_horizon(qs, now), now, user=user)


def worklist(
    *,
    user: User,
    now: datetime,
    unit: Unit | None = None,
    assignee: User | None = None,
) -> WorkList:
    """The user's work list (``worklist_scope``) within this week, grouped by status.

    Dates are calendar dates in Europe/Oslo; "this week" ends on Sunday. Four queries (the
    user's roles, the list, its parts and one audit row naming the patients shown), whatever
    the number of patients.
    """
    result = _listed(
        worklist_scope(user=user, now=now, unit=unit, assignee=assignee), now, user=user
    )
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


def awaiting_discharge(*, user: User, now: datetime) -> list[models.Pathway]:
    """Running pathways of the user's patients reported ready for discharge and not yet
    discharged, soonest planned discharge first: the hospital's and the allocation office's
    discharge work (move the plan, register the discharge). One query; the page that shows
    the patients audits the list read (``worklist``)."""
    return list(
        models.Pathway.objects.filter(
            ended_at__isnull=True,
            ready_for_discharge_at__isnull=False,
            discharged_at__isnull=True,
            patient__in=Patient.objects.visible_to(user, now=now),
        )
        .select_related("patient", "unit", "version__template")
        .order_by("planned_discharge_at", "pk")
    )


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
    shown_code: str | None = None
    """The code users see; None: the code itself ("" hides it, as for the daily care plan)."""

    @property
    def path(self) -> str:
        return reverse("pathways:stop-point-detail", args=[self.stop_point_id])

    @property
    def summary(self) -> str:
        code = self.code if self.shown_code is None else self.shown_code
        return (
            f"{self.initials} – {code} {self.title}" if code else f"{self.initials} – {self.title}"
        )


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
        shown_code=item.shown_code,
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


def section_counts(
    qs: QuerySet[models.StopPoint], *, now: datetime, week: bool = True
) -> dict[str, int]:
    """How many of ``qs`` are overdue, due today (and, with ``week``, due later this week): one
    aggregate query. The menu badge counts overdue and today; the page all three."""
    tomorrow_starts, week_ends = _horizon(now)
    passed = deadline_passed_q(now)
    aggregates = {
        "overdue": Count("pk", filter=passed),
        "today": Count("pk", filter=~passed & Q(due_at__lt=tomorrow_starts)),
    }
    if week:
        aggregates["week"] = Count(
            "pk", filter=~passed & Q(due_at__gte=tomorrow_starts, due_at__lt=week_ends)
        )
    counts = qs.aggregate(**aggregates)
    return {key: counts[key] or 0 for key in aggregates}


def worklist_counts(*, user: User, now: datetime, unit: Unit | None = None) -> dict[str, int]:
    """How many stop points of the user's list are overdue and due today: the same scope as
    ``worklist`` and the page's section totals (``section_counts``), counted in the database
    (one query, no audit: no patient is shown)."""
    return section_counts(worklist_scope(user=user, now=now, unit=unit), now=now, week=False)
