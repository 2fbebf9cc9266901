"""Writes of the notifications app: rules, preferences, calendar tokens, reading, and the scheduler.

The scheduler (``notifications_run``) is one idempotent pass, safe in two workers at once:

1. **make** the notifications that are due (``notifications_generate``): each rule against the
   open stop points, the new pathways and the admissions; rows are inserted with the unique key
   (rule, subject, recipient, step) and conflicts ignored, so a second worker inserts nothing;
2. **cancel** what is no longer true (``notifications_cancel``): a stop point completed, marked
   not relevant or interrupted, or a pathway ended, cancels its notifications not yet sent;
3. **plan** the e-mails (``deliveries_plan``): one at once, or the day's digest, by preference;
4. **send** the e-mails due (``deliveries_send``): each claimed by one conditional UPDATE
   before it is sent, so only one worker sends it; a failure is retried with backoff and then
   left failed for the administrators.

Why scan state instead of a hook in the engine: notifications of a pathway start or an
admission are made from the rows themselves (``Pathway.started_at``, ``PathwayEvent``), so the
engine needs no knowledge of this app, every way in (pages, FHIR, PLO, imports) is covered, and
the unique key makes the scan exactly-once. The cost is latency: up to one scheduler tick.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import Membership, Organisation, Role, User
from forlop.core.tz import OSLO
from forlop.notifications import channels, messages, rules, selectors
from forlop.notifications.error_codes import NotificationErrorCode as Code
from forlop.notifications.models import (
    STOP_POINT_TRIGGERS,
    CalendarToken,
    Delivery,
    Notification,
    NotificationRule,
    Preference,
    Target,
    Trigger,
)
from forlop.notifications.recipients import target_users
from forlop.pathways.deadlines import start_of_day
from forlop.pathways.models import (
    EventKindChoices,
    Pathway,
    PathwayEvent,
    PathwayTemplate,
    StopPoint,
    StopPointDefinition,
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
# Rules
# --------------------------------------------------------------------------------------------


def may_manage_rules(*, user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(
        user=user, active=True, role=Role.ADMINISTRATOR, unit__organisation=organisation
    ).exists()


def _templates_for(organisation: Organisation) -> QuerySet[PathwayTemplate]:
    return PathwayTemplate.objects.filter(
        Q(organisation__isnull=True) | Q(organisation=organisation)
    )


MAX_DELAY_DAYS = 60
"""Working days (about three months): a longer delay or repeat is a typing error, not a rule."""


def _rule_clean(
    *,
    organisation: Organisation,
    rule: NotificationRule | None,
    template_code: str,
    stop_point_code: str,
    trigger: str,
    target: str,
    delay_days: int,
    repeat_days: int | None,
) -> None:
    errors: dict[str, ValidationError] = {}
    if trigger not in Trigger.values:
        errors["trigger"] = domain_error(Code.UNKNOWN_TRIGGER, _("Choose when to notify."))
    if target not in Target.values:
        errors["target"] = domain_error(
            Code.UNKNOWN_TARGET,
            _("Unknown recipient. Choose one of: %(choices)s.")
            % {"choices": ", ".join(str(label) for label in Target.labels)},
        )
    elif target == Target.OWNER and trigger not in STOP_POINT_TRIGGERS:
        errors["target"] = domain_error(
            Code.TARGET_NEEDS_STOP_POINT,
            _("Only a stop point has an owner: choose another recipient for this event."),
        )
    if delay_days < 0:
        errors["delay_days"] = domain_error(
            Code.NEGATIVE_DELAY,
            _(
                "The delay cannot be negative. For a reminder before the deadline, choose "
                "“Before a stop point falls due”."
            ),
        )
    elif delay_days > MAX_DELAY_DAYS:
        errors["delay_days"] = domain_error(
            Code.DELAY_TOO_LONG,
            _("Write at most %(max)d working days.") % {"max": MAX_DELAY_DAYS},
        )
    if repeat_days is not None and repeat_days > MAX_DELAY_DAYS:
        errors["repeat_days"] = domain_error(
            Code.DELAY_TOO_LONG,
            _("Write at most %(max)d working days.") % {"max": MAX_DELAY_DAYS},
        )
    elif repeat_days is not None and (trigger != Trigger.OVERDUE or repeat_days < 1):
        errors["repeat_days"] = domain_error(
            Code.REPEAT_NOT_ALLOWED,
            _("Only an overdue reminder repeats, and at least every working day."),
        )
    templates = _templates_for(organisation).filter(code=template_code)
    if not templates.exists():
        errors["template_code"] = domain_error(
            Code.UNKNOWN_TEMPLATE, _("Choose one of the municipality's pathway templates.")
        )
    elif (
        stop_point_code
        and not StopPointDefinition.objects.filter(
            Q(version__template__in=templates) | Q(version__template__copied_from__in=templates),
            code=stop_point_code,
        ).exists()
    ):
        errors["stop_point_code"] = domain_error(
            Code.UNKNOWN_STOP_POINT,
            _("The template has no stop point %(code)s.") % {"code": stop_point_code},
        )
    if not errors:
        # The same rule twice would send each reminder twice (the exactly-once key holds the rule).
        same = NotificationRule.objects.filter(
            organisation=organisation,
            template_code=template_code,
            stop_point_code=stop_point_code,
            trigger=trigger,
            target=target,
            delay_days=delay_days,
        )
        if rule is not None:
            same = same.exclude(pk=rule.pk)
        if same.exists():
            errors[NON_FIELD_ERRORS] = domain_error(
                Code.DUPLICATE_RULE,
                _("The municipality has this rule already: change that one instead."),
            )
    if errors:
        raise ValidationError(errors)


def rule_save(
    *,
    actor: User,
    organisation: Organisation,
    template_code: str,
    trigger: str,
    target: str,
    delay_days: int = 0,
    stop_point_code: str = "",
    repeat_days: int | None = None,
    message: str = "",
    active: bool = True,
    rule: NotificationRule | None = None,
) -> NotificationRule:
    """Create a municipality's rule, or change one of its rules. Nothing is saved on an error."""
    if not may_manage_rules(user=actor, organisation=organisation):
        raise PermissionDenied(_("Only the municipality's administrators set notification rules."))
    if rule is not None and rule.organisation_id != organisation.pk:
        raise PermissionDenied(_("Only the municipality's administrators set notification rules."))
    stop_point_code = stop_point_code.strip()
    _rule_clean(
        organisation=organisation,
        rule=rule,
        template_code=template_code,
        stop_point_code=stop_point_code,
        trigger=trigger,
        target=target,
        delay_days=delay_days,
        repeat_days=repeat_days,
    )
    with transaction.atomic():
        rule = rule or NotificationRule(organisation=organisation)
        rule.template_code = template_code
        rule.stop_point_code = stop_point_code
        rule.trigger = trigger
        rule.target = target
        rule.delay_days = delay_days
        rule.repeat_days = repeat_days
        rule.message = message.strip()
        rule.active = active
        rule.local_default = False
        rule.full_clean()
        rule.save()
    return rule


def rules_adopt_defaults(*, actor: User, organisation: Organisation) -> list[NotificationRule]:
    """Copy the shipped defaults into the municipality's own rules, to adapt them. From then on
    the municipality's rules apply instead of the defaults (idempotent: no copy when it has
    rules already)."""
    if not may_manage_rules(user=actor, organisation=organisation):
        raise PermissionDenied(_("Only the municipality's administrators set notification rules."))
    with transaction.atomic():
        if NotificationRule.objects.filter(organisation=organisation).exists():
            return list(NotificationRule.objects.filter(organisation=organisation))
        copies = [
            NotificationRule(
                organisation=organisation,
                template_code=rule.template_code,
                stop_point_code=rule.stop_point_code,
                trigger=rule.trigger,
                target=rule.target,
                delay_days=rule.delay_days,
                repeat_days=rule.repeat_days,
                message=rule.message,
                active=rule.active,
                local_default=True,
            )
            for rule in NotificationRule.objects.filter(organisation__isnull=True)
        ]
        return NotificationRule.objects.bulk_create(copies)


# --------------------------------------------------------------------------------------------
# Preferences, reading, calendar tokens
# --------------------------------------------------------------------------------------------


def preference_save(
    *, user: User, email_mode: str, digest_hour: int, email: str = ""
) -> Preference:
    """Set how the user hears about notifications. Nothing is saved on an error."""
    errors: dict[str, ValidationError] = {}
    if email_mode not in Preference.Email.values:
        errors["email_mode"] = domain_error(
            Code.UNKNOWN_EMAIL_MODE, _("Choose immediately, a daily digest or no e-mail.")
        )
    if not 0 <= digest_hour <= rules.MAX_DIGEST_HOUR:
        errors["digest_hour"] = domain_error(
            Code.DIGEST_HOUR,
            _("The digest hour must be a whole hour from 0 to 23 (you gave %(hour)s).")
            % {"hour": digest_hour},
        )
    email = email.strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = domain_error(
                Code.EMAIL_ADDRESS,
                _("This is not an e-mail address. Write it as name@example.no."),
            )
    elif email_mode != Preference.Email.NONE and not user.email:
        errors["email"] = domain_error(
            Code.EMAIL_MISSING, _("Give an e-mail address, or choose no e-mail.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        preference, _created = Preference.objects.get_or_create(user=user)
        preference.email_mode = email_mode
        preference.digest_hour = digest_hour
        preference.email = email
        preference.full_clean()
        preference.save()
    return preference


def notification_mark_read(*, user: User, notification_id: int, now: datetime) -> int:
    """Mark one of the user's notifications read (another's is left alone: 0)."""
    return Notification.objects.filter(
        pk=notification_id, recipient=user, read_at__isnull=True
    ).update(read_at=now)


def notifications_mark_all_read(*, user: User, now: datetime) -> int:
    return Notification.objects.filter(
        recipient=user, read_at__isnull=True, cancelled_at__isnull=True
    ).update(read_at=now)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_create(*, user: User, now: datetime) -> str:
    """A new feed token for the user (the old one stops working). Only its hash is stored: the
    returned token is shown once."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        CalendarToken.objects.create(user=user, token_hash=token_hash(token))
    return token


def calendar_token_revoke(*, user: User, now: datetime) -> int:
    return CalendarToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


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


def _preference(user: User) -> tuple[str, int]:
    preference = getattr(user, "notification_preference", None)
    if preference is None:
        return Preference.Email.DIGEST, 7
    return preference.email_mode, preference.digest_hour


def deliveries_plan(*, now: datetime) -> int:
    """Put each new notification in an e-mail: its own (immediately) or the recipient's next
    digest; nothing for those who chose no e-mail or have no address. Return how many."""
    waiting = (
        Notification.objects.filter(
            delivery__isnull=True, cancelled_at__isnull=True, read_at__isnull=True
        )
        .filter(fire_at__gte=now - LOOKBACK)
        .exclude(recipient__notification_preference__email_mode=Preference.Email.NONE)
        .select_related("recipient__notification_preference")
        .order_by("pk")
    )
    email = channels.email()
    planned = 0
    for notification in waiting:
        user = notification.recipient
        address = email.address(user)
        if not address:
            continue
        mode, hour = _preference(user)
        if mode == Preference.Email.IMMEDIATELY:
            key, when, kind = f"notification:{notification.pk}", now, Delivery.Kind.IMMEDIATE
        else:
            when = rules.digest_at(now, hour=hour)
            key, kind = f"digest:{user.pk}:{when.date().isoformat()}", Delivery.Kind.DIGEST
        Delivery.objects.bulk_create(
            [
                Delivery(
                    recipient=user,
                    key=key,
                    kind=kind,
                    scheduled_for=when,
                    next_attempt_at=when,
                    address=address,
                )
            ],
            ignore_conflicts=True,
        )
        delivery = Delivery.objects.get(key=key)
        planned += Notification.objects.filter(pk=notification.pk, delivery__isnull=True).update(
            delivery=delivery
        )
    return planned


def _counts(delivery: Delivery) -> rules.EmailCounts:
    live = delivery.notifications.filter(cancelled_at__isnull=True)
    if delivery.kind == Delivery.Kind.DIGEST:
        live = live.filter(read_at__isnull=True)
    found = {"before_due": 0, "overdue": 0, "escalated": 0, "pathway_started": 0, "admitted": 0}
    for trigger, target in live.values_list("trigger", "rule__target"):
        if trigger == Trigger.OVERDUE and target == Target.UNIT_LEADER:
            found["escalated"] += 1
        else:
            found[trigger] += 1
    return rules.EmailCounts(**found)


def _message(delivery: Delivery, *, now: datetime) -> tuple[str, str] | None:
    """The e-mail's subject and body, or None when nothing is left to tell."""
    if delivery.kind == Delivery.Kind.WEEKLY:
        summary = selectors.weekly_summary(user=delivery.recipient, now=now, audit=False)
        return messages.weekly_message(summary.counts())
    counts = _counts(delivery)
    if counts.total == 0:
        return None
    return messages.notification_message(counts, digest=delivery.kind == Delivery.Kind.DIGEST)


def weekly_plan(*, now: datetime) -> int:
    """Plan this week's summary e-mail for each unit leader who gets e-mail: on the first
    working day of the week at their digest hour. Return how many were planned."""
    monday = now.astimezone(OSLO).date()
    monday -= timedelta(days=monday.weekday())
    leaders = (
        User.objects.filter(
            is_active=True, memberships__role=Role.UNIT_LEADER, memberships__active=True
        )
        .exclude(notification_preference__email_mode=Preference.Email.NONE)
        .select_related("notification_preference")
        .distinct()
    )
    email = channels.email()
    week = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    rows = []
    for leader in leaders:
        address = email.address(leader)
        _mode, hour = _preference(leader)
        when = rules.digest_at(start_of_day(monday), hour=hour)
        # On its day only: a summary of last week that comes on Thursday is no longer news.
        if not address or not when <= now < when + timedelta(days=1):
            continue
        rows.append(
            Delivery(
                recipient=leader,
                key=f"weekly:{leader.pk}:{week}",
                kind=Delivery.Kind.WEEKLY,
                scheduled_for=when,
                next_attempt_at=when,
                address=address,
            )
        )
    before = Delivery.objects.filter(kind=Delivery.Kind.WEEKLY).count()
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return Delivery.objects.filter(kind=Delivery.Kind.WEEKLY).count() - before


def deliveries_send(*, now: datetime, worker_id: str) -> tuple[int, int]:
    """Send the e-mails due at ``now``; return (sent, failed for good)."""
    sent = failed = 0
    due = Delivery.objects.filter(
        status=Delivery.Status.PENDING, scheduled_for__lte=now, next_attempt_at__lte=now
    ).order_by("scheduled_for", "pk")
    for delivery_id in list(due.values_list("pk", flat=True)):
        # Claim it: only one worker's UPDATE finds it pending.
        claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            claimed_by=worker_id[:64],
            attempts=F("attempts") + 1,
        )
        if not claimed:
            continue
        delivery = Delivery.objects.select_related("recipient").get(pk=delivery_id)
        message = _message(delivery, now=now)
        if message is None:
            delivery.status = Delivery.Status.CANCELLED
            delivery.save(update_fields=["status", "updated_at"])
            continue
        channel = channels.get(delivery.channel)
        try:
            if channel is None:
                raise RuntimeError(f"no {delivery.channel} channel is registered")
            channel.send(address=delivery.address, subject=message[0], body=message[1])
        except Exception as exc:  # the channel's failure, kept short for the administrators
            retry = rules.retry_at(delivery.attempts, now=now)
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if retry is None:
                delivery.status = Delivery.Status.FAILED
                failed += 1
            else:
                delivery.status = Delivery.Status.PENDING
                delivery.next_attempt_at = retry
            delivery.save(update_fields=["status", "next_attempt_at", "last_error", "updated_at"])
            continue
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = now
        delivery.save(update_fields=["status", "sent_at", "updated_at"])
        sent += 1
    return sent, failed


def notifications_run(*, now: datetime, worker_id: str = "notify") -> RunResult:
    """One pass of the scheduler (``forlop notify``, and the worker every minute)."""
    made = notifications_generate(now=now)
    cancelled = notifications_cancel(now=now)
    planned = deliveries_plan(now=now) + weekly_plan(now=now)
    sent, failed = deliveries_send(now=now, worker_id=worker_id)
    return RunResult(made=made, cancelled=cancelled, planned=planned, sent=sent, failed=failed)
