"""Reads of the notifications app: the bell, the list, the calendar feeds, the administrators'
failed e-mails and the leaders' weekly summary.

The bell counts from the work list's own queryset (``pathways.selectors.worklist_scope``): a
stop-point notification counts while its stop point is on the user's work list, so the bell,
the list, the badge and the print view agree, and a completed stop point leaves the bell at
once, before the scheduler has cancelled its notification.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Organisation, Role, Unit, User
from forlop.core.selectors import led_units
from forlop.core.tz import OSLO
from forlop.notifications.messages import WeeklyCounts
from forlop.notifications.models import (
    CalendarToken,
    Delivery,
    Notification,
    NotificationRule,
    Preference,
    Target,
    Trigger,
)
from forlop.pathways import selectors as pathway_selectors
from forlop.pathways.deadlines import add_months
from forlop.pathways.models import StopPoint, deadline_passed_q
from forlop.patients.models import visible_patient_ids

# --------------------------------------------------------------------------------------------
# The bell and the list
# --------------------------------------------------------------------------------------------


def bell_queryset(
    *, user: User, now: datetime, scope: QuerySet[StopPoint] | None = None
) -> QuerySet[Notification]:
    """The user's live notifications about what is still on their work list (stop points) or
    about patients they still have a service need for (pathway starts, admissions).
    ``scope``: the user's ``worklist_scope`` at ``now`` when the caller has built it already."""
    if scope is None:
        scope = pathway_selectors.worklist_scope(user=user, now=now)
    return Notification.objects.filter(recipient=user, cancelled_at__isnull=True).filter(
        Q(stop_point__in=scope)
        | Q(
            stop_point__isnull=True,
            # The ids of ``Patient.objects.visible_to`` without its outer SELECT of patients:
            # the same rows, and a query less to build on every page (the bell).
            pathway__patient_id__in=visible_patient_ids(user, now=now),
        )
    )


def bell_count(*, user: User, now: datetime, scope: QuerySet[StopPoint] | None = None) -> int:
    """Unread notifications (one COUNT query, no audit: no patient is shown)."""
    return bell_queryset(user=user, now=now, scope=scope).filter(read_at__isnull=True).count()


@dataclass(frozen=True, slots=True)
class NotificationRow:
    pk: int
    fire_at: datetime
    read: bool
    text: str
    initials: str
    stop_point_code: str
    stop_point_title: str
    link: str
    message: str


def _text(notification: Notification) -> str:
    trigger, target = notification.trigger, notification.rule.target
    if trigger == Trigger.BEFORE_DUE:
        return _("Falls due soon")
    if trigger == Trigger.OVERDUE and target == Target.UNIT_LEADER:
        return _("Overdue in your unit: follow up")
    if trigger == Trigger.OVERDUE:
        return _("Overdue")
    if trigger == Trigger.PATHWAY_STARTED:
        return _("Pathway started: a GP visit is expected within 14 days")
    return _("Admitted to hospital")


def notification_list(*, user: User, now: datetime, limit: int = 100) -> list[NotificationRow]:
    """The user's notifications (``bell_queryset``), newest first; one audit row naming the
    patients shown (their initials are)."""
    from django.urls import reverse

    rows = list(
        bell_queryset(user=user, now=now)
        .select_related("rule", "stop_point__definition", "pathway__patient")
        .order_by("read_at", "-fire_at", "-pk")[:limit]
    )
    result = []
    for n in rows:
        if n.stop_point is not None:
            link = reverse("pathways:stop-point-detail", args=[n.stop_point.pk])
            code, title = n.stop_point.definition.shown_code, n.stop_point.definition.title
        else:
            link = reverse("pathways:pathway-detail", args=[n.pathway.pk])
            code, title = "", ""
        result.append(
            NotificationRow(
                pk=n.pk,
                fire_at=n.fire_at,
                read=n.read_at is not None,
                text=_text(n),
                initials=pathway_selectors.patient_initials(n.pathway.patient),
                stop_point_code=code,
                stop_point_title=title,
                link=link,
                message=n.rule.message,
            )
        )
    audit_record(
        actor=user,
        verb=AuditVerb.WORKLIST_VIEWED,
        data={
            "view": "notifications",
            "items": len(result),
            "patients": sorted({n.pathway.patient_id for n in rows}),
        },
    )
    return result


def preference_for(*, user: User) -> Preference:
    """The user's preference, or the default (a daily digest at 07) when none is saved."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


# --------------------------------------------------------------------------------------------
# Calendar feeds
# --------------------------------------------------------------------------------------------


def calendar_user(*, token: str, now: datetime) -> User:
    """The user of a live feed token; 404 for an unknown or revoked one (no hint which)."""
    from forlop.notifications.services import token_hash

    found = (
        CalendarToken.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    CalendarToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def calendar_token_live(*, user: User) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).first()


def calendar_units(*, user: User) -> QuerySet[Unit]:
    """The units whose feed the user may subscribe to: where they are a clinical member."""
    from forlop.core.selectors import units_for_user

    return units_for_user(user=user)


# --------------------------------------------------------------------------------------------
# Administrators: e-mails that did not go out
# --------------------------------------------------------------------------------------------


def deliveries_needing_attention(*, user: User, now: datetime) -> QuerySet[Delivery]:
    """E-mails to people of the administrator's organisations that failed for good, or that a
    worker claimed and never finished (it may have died mid-send: not sent again)."""
    from forlop.notifications.services import STALE_SENDING

    orgs = Organisation.objects.filter(
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role=Role.ADMINISTRATOR,
    )
    return (
        Delivery.objects.filter(
            Q(status=Delivery.Status.FAILED)
            | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_SENDING)
        )
        .filter(recipient__memberships__unit__organisation__in=orgs)
        .select_related("recipient")
        .distinct()
        .order_by("-scheduled_for", "-pk")
    )


def rules_for(*, organisation: Organisation) -> tuple[list[NotificationRule], bool]:
    """The rules in force for a municipality, and whether they are its own (else the shipped
    local defaults)."""
    own = list(NotificationRule.objects.filter(organisation=organisation))
    if own:
        return own, True
    return list(NotificationRule.objects.filter(organisation__isnull=True)), False


# --------------------------------------------------------------------------------------------
# The leaders' weekly summary
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitShare:
    unit: Unit
    on_time_week: float | None
    on_time_last_month: float | None
    decided_week: int
    decided_last_month: int


@dataclass(frozen=True, slots=True)
class EmployeeOverdue:
    person: str
    overdue: int


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    week_start: date
    week_end: date
    month_start: date
    month_end: date
    units: list[UnitShare] = field(default_factory=list)
    on_time_week: float | None = None
    on_time_last_month: float | None = None
    overdue: list[EmployeeOverdue] = field(default_factory=list)
    three_of_four_week: pathway_selectors.ChainCompleteness | None = None
    three_of_four_last_month: pathway_selectors.ChainCompleteness | None = None

    @property
    def week_label(self) -> str:
        iso = self.week_start.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    @property
    def three_of_four_periods(self) -> list[pathway_selectors.ChainCompleteness]:
        return [
            period or pathway_selectors.ChainCompleteness(0, 0)
            for period in (self.three_of_four_week, self.three_of_four_last_month)
        ]

    @property
    def overdue_total(self) -> int:
        return sum(row.overdue for row in self.overdue)

    def counts(self) -> WeeklyCounts:
        def percent(value: float | None) -> int | None:
            return None if value is None else round(value * 100)

        return WeeklyCounts(
            week=self.week_label,
            on_time_percent=percent(self.on_time_week),
            last_month_percent=percent(self.on_time_last_month),
            overdue=self.overdue_total,
            employees_with_overdue=len(self.overdue),
            three_of_four_percent=percent(
                self.three_of_four_week.share if self.three_of_four_week else None
            ),
            three_of_four_last_month_percent=percent(
                self.three_of_four_last_month.share if self.three_of_four_last_month else None
            ),
        )


def _share(rows: list[pathway_selectors.AdherenceRow]) -> tuple[float | None, int]:
    on_time = sum(row.n_on_time for row in rows)
    decided = on_time + sum(row.n_late + row.n_missed for row in rows)
    return (on_time / decided if decided else None), decided


def weekly_summary(*, user: User, now: datetime, audit: bool = True) -> WeeklySummary:
    """For a unit leader: last week's on-time share against last month's, per unit and in
    all, and the overdue stop points per employee now (the engine's responsible person).

    Shares are the leaders' view's adherence (``pathways.selectors.adherence``: main-checklist
    stop points whose deadline falls in the period). "Last week" is Monday to Sunday before
    this week; "last month" the calendar month before this one.
    """
    today = now.astimezone(OSLO).date()
    week_start = today - timedelta(days=today.weekday() + 7)
    week_end = week_start + timedelta(days=6)
    month_start = add_months(today.replace(day=1), -1)
    month_end = today.replace(day=1) - timedelta(days=1)
    units = list(led_units(user=user).select_related("organisation").order_by("name"))
    shares: list[UnitShare] = []
    week_rows: list[pathway_selectors.AdherenceRow] = []
    month_rows: list[pathway_selectors.AdherenceRow] = []
    if units:
        by_week = {
            row.key: row
            for row in pathway_selectors.adherence(
                units=units, date_from=week_start, date_to=week_end, now=now, by="unit"
            )
        }
        by_month = {
            row.key: row
            for row in pathway_selectors.adherence(
                units=units, date_from=month_start, date_to=month_end, now=now, by="unit"
            )
        }
        for unit in units:
            week = [by_week[unit.pk]] if unit.pk in by_week else []
            month = [by_month[unit.pk]] if unit.pk in by_month else []
            week_rows += week
            month_rows += month
            (w_share, w_n), (m_share, m_n) = _share(week), _share(month)
            shares.append(UnitShare(unit, w_share, m_share, w_n, m_n))
    overdue: Counter[str] = Counter()
    patients: set[int] = set()
    for unit in units:
        stop_points = (
            pathway_selectors.worklist_scope(user=user, now=now, unit=unit)
            .filter(deadline_passed_q(now))
            .select_related(
                "definition", "assignee", "pathway__patient__gp", "pathway__primary_contact"
            )
        )
        for sp in stop_points:
            # The engine's rule of who answers for a stop point, stated once.
            person = pathway_selectors.stop_point_responsible(sp)
            overdue[str(person) if person is not None else _("Nobody assigned")] += 1
            patients.add(sp.pathway.patient_id)
    if audit:
        audit_record(
            actor=user,
            verb=AuditVerb.WORKLIST_VIEWED,
            data={
                "view": "weekly_summary",
                "items": sum(overdue.values()),
                "patients": sorted(patients),
            },
        )
    week_share, _n = _share(week_rows)
    month_share, _m = _share(month_rows)
    return WeeklySummary(
        week_start=week_start,
        week_end=week_end,
        month_start=month_start,
        month_end=month_end,
        units=shares,
        on_time_week=week_share,
        on_time_last_month=month_share,
        overdue=[
            EmployeeOverdue(person, n)
            for person, n in sorted(overdue.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        three_of_four_week=pathway_selectors.three_of_four(
            units=units, date_from=week_start, date_to=week_end, now=now
        ),
        three_of_four_last_month=pathway_selectors.three_of_four(
            units=units, date_from=month_start, date_to=month_end, now=now
        ),
    )
