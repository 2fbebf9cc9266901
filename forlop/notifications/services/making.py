"""The scheduler's first steps: make the notifications that are due, cancel those no longer true."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from forlop.core.models import User
from forlop.notifications import rules
from forlop.notifications.models import (
    STOP_POINT_TRIGGERS,
    Delivery,
    Notification,
    NotificationRule,
    Trigger,
)
from forlop.notifications.recipients import target_users
from forlop.pathways.models import (
    EventKindChoices,
    Pathway,
    PathwayEvent,
    StopPoint,
    open_q,
)
from forlop.pathways.selectors import worklist_scope
from forlop.patients.models import Patient

LOOKBACK = timedelta(days=7)
"""A notification whose moment is older than this is not made: it is no longer news (and a
first run after installing does not send months of reminders)."""

LOOKAHEAD = timedelta(days=30)
"""Stop points due further ahead than this cannot have a before-due reminder due yet."""

STALE_SENDING = timedelta(minutes=30)


# --------------------------------------------------------------------------------------------
# The scheduler
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunResult:
    made: int
    cancelled: int
    planned: int
    sent: int
    failed: int

    def __str__(self) -> str:
        return (
            f"made {self.made}, cancelled {self.cancelled}, planned {self.planned}, "
            f"sent {self.sent}, failed {self.failed}"
        )


def _template_codes(pathway: Pathway) -> set[str]:
    template = pathway.version.template
    codes = {template.code}
    if template.copied_from is not None:
        codes.add(template.copied_from.code)
    return codes


class _RuleBook:
    """The rules in force for each municipality: its own, else the shipped defaults."""

    def __init__(self) -> None:
        self.rules = list(NotificationRule.objects.filter(active=True).order_by("pk"))
        self.with_own = set(
            NotificationRule.objects.filter(organisation__isnull=False)
            .values_list("organisation_id", flat=True)
            .distinct()
        )

    def for_pathway(self, pathway: Pathway, triggers: set[str]) -> list[NotificationRule]:
        org_id = pathway.unit.organisation_id
        owner = org_id if org_id in self.with_own else None
        codes = _template_codes(pathway)
        return [
            rule
            for rule in self.rules
            if rule.organisation_id == owner
            and rule.template_code in codes
            and rule.trigger in triggers
        ]


def _timing(rule: NotificationRule) -> rules.RuleTiming:
    return rules.RuleTiming(
        trigger=rules.TriggerKind(rule.trigger),
        delay_days=rule.delay_days,
        repeat_days=rule.repeat_days,
    )


@dataclass(frozen=True, slots=True)
class _Candidate:
    rule: NotificationRule
    pathway: Pathway
    subject: str
    fire_at: datetime
    step: int
    stop_point: StopPoint | None = None
    event: PathwayEvent | None = None


_PATHWAY_RELATED = (
    "pathway__unit",
    "pathway__patient__gp",
    "pathway__primary_contact",
    "pathway__version__template__copied_from",
)


def _stop_point_candidates(book: _RuleBook, now: datetime) -> list[_Candidate]:
    stop_points = (
        StopPoint.objects.open()
        .in_running_pathways()
        .filter(due_at__lte=now + LOOKAHEAD)
        .filter(Q(ends_at__gte=now - timedelta(days=90)) | Q(due_at__gte=now - LOOKBACK))
        .select_related("definition", "assignee", *_PATHWAY_RELATED)
    )
    found: list[_Candidate] = []
    for sp in stop_points:
        for rule in book.for_pathway(sp.pathway, set(STOP_POINT_TRIGGERS)):
            if rule.stop_point_code and rule.stop_point_code != sp.definition.code:
                continue
            timing = _timing(rule)
            passed = sp.ends_at <= now if sp.due_all_day else sp.ends_at < now
            if timing.trigger is rules.TriggerKind.BEFORE_DUE and passed:
                continue  # too late to say "soon": the overdue reminder takes over
            first = rules.first_fire_at(timing, due_at=sp.due_at, ends_at=sp.ends_at)
            step, moment = rules.step_due(timing, first, now=now)
            if step == 0 or moment < now - LOOKBACK:
                continue
            found.append(
                _Candidate(rule, sp.pathway, f"stop_point:{sp.pk}", moment, step, stop_point=sp)
            )
    return found


def _event_candidates(book: _RuleBook, now: datetime) -> list[_Candidate]:
    found: list[_Candidate] = []
    since = now - LOOKBACK - timedelta(days=14)  # the longest delay worth waiting for
    pathways = Pathway.objects.filter(
        ended_at__isnull=True, started_at__gte=since, started_at__lte=now
    ).select_related("unit", "patient__gp", "primary_contact", "version__template__copied_from")
    for pathway in pathways:
        for rule in book.for_pathway(pathway, {Trigger.PATHWAY_STARTED}):
            moment = rules.first_fire_at(_timing(rule), event_at=pathway.started_at)
            if moment <= now and moment >= now - LOOKBACK:
                found.append(_Candidate(rule, pathway, f"pathway:{pathway.pk}", moment, 1))
    events = PathwayEvent.objects.filter(
        kind=EventKindChoices.ADMISSION,
        pathway__isnull=False,
        occurred_at__gte=since,
        occurred_at__lte=now,
    ).select_related(*_PATHWAY_RELATED)
    for event in events:
        if event.pathway is None:
            continue
        for rule in book.for_pathway(event.pathway, {Trigger.ADMITTED}):
            moment = rules.first_fire_at(_timing(rule), event_at=event.occurred_at)
            if moment <= now and moment >= now - LOOKBACK:
                found.append(
                    _Candidate(rule, event.pathway, f"event:{event.pk}", moment, 1, event=event)
                )
    return found


def notifications_generate(*, now: datetime) -> int:
    """Make every notification due at ``now`` that does not exist yet; return how many."""
    book = _RuleBook()
    if not book.rules:
        return 0
    candidates = _stop_point_candidates(book, now) + _event_candidates(book, now)
    by_recipient: dict[int, list[tuple[_Candidate, User]]] = defaultdict(list)
    for candidate in candidates:
        for user in target_users(
            candidate.rule.target, pathway=candidate.pathway, stop_point=candidate.stop_point
        ):
            if user.is_active:
                by_recipient[user.pk].append((candidate, user))
    rows: list[Notification] = []
    for pairs in by_recipient.values():
        user = pairs[0][1]
        # Once per recipient: a stop point only if it is on their work list (the work list's
        # own queryset, so the bell and the list agree), anything else only about patients
        # they have a service need for.
        stop_point_ids = {c.stop_point.pk for c, _user in pairs if c.stop_point is not None}
        listed = set(
            worklist_scope(user=user, now=now)
            .filter(pk__in=stop_point_ids)
            .values_list("pk", flat=True)
        )
        patient_ids = {c.pathway.patient_id for c, _user in pairs if c.stop_point is None}
        visible = set(
            Patient.objects.visible_to(user, now=now, include_emergency=False)
            .filter(pk__in=patient_ids)
            .values_list("pk", flat=True)
        )
        rows.extend(
            Notification(
                rule=candidate.rule,
                recipient=user,
                subject=candidate.subject,
                step=candidate.step,
                trigger=candidate.rule.trigger,
                stop_point=candidate.stop_point,
                pathway=candidate.pathway,
                event=candidate.event,
                fire_at=candidate.fire_at,
            )
            for candidate, _user in pairs
            if (
                candidate.stop_point.pk in listed
                if candidate.stop_point is not None
                else candidate.pathway.patient_id in visible
            )
        )
    before = Notification.objects.count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return Notification.objects.count() - before


def notifications_cancel(*, now: datetime) -> int:
    """Cancel the notifications of stop points no longer open and of pathways that ended, and
    the e-mails of them not sent yet; return how many notifications were cancelled."""
    live = Notification.objects.filter(cancelled_at__isnull=True)
    closed = live.filter(
        (Q(stop_point__isnull=False) & ~open_q("stop_point__")) | Q(pathway__ended_at__isnull=False)
    )
    cancelled = closed.update(cancelled_at=now)
    # An immediate e-mail about a cancelled notification is not sent; a digest counts only the
    # live ones when it is sent, and is cancelled then if none is left.
    Delivery.objects.filter(
        status=Delivery.Status.PENDING,
        kind=Delivery.Kind.IMMEDIATE,
        notifications__cancelled_at__isnull=False,
    ).update(status=Delivery.Status.CANCELLED)
    return cancelled
