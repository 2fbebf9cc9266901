"""The scheduler's last steps: plan and send the e-mails, and the whole pass (notifications_run)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F

from forlop.core.models import Role, User
from forlop.core.tz import OSLO
from forlop.notifications import channels, messages, rules, selectors
from forlop.notifications.models import (
    Delivery,
    Notification,
    Preference,
    Target,
    Trigger,
)
from forlop.notifications.services.making import (
    LOOKBACK,
    RunResult,
    notifications_cancel,
    notifications_generate,
)
from forlop.pathways.deadlines import start_of_day


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
