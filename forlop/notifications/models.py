"""Notifications as data: rules, the notifications they make, their e-mails, preferences, feeds.

A **rule** says when to tell whom (before a stop point falls due, when it is overdue, when a
pathway starts, when a patient is admitted), per municipality and template. The scheduler
(``services.notifications_run``) turns rules into **notifications**, each exactly once: the
unique key is (rule, subject, recipient, step), where the subject is the stop point, pathway
or event. A notification is shown in the app (the bell) and, by the recipient's
**preference**, goes out in an **e-mail** at once or in the day's digest. An e-mail carries
counts and a link only, never a name, an identity number or a diagnosis.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from forlop.core.models import BaseModel
from forlop.patients.models import PatientRecord


class Trigger(models.TextChoices):
    BEFORE_DUE = "before_due", _("Before a stop point falls due")
    OVERDUE = "overdue", _("When a stop point is overdue")
    PATHWAY_STARTED = "pathway_started", _("When a pathway starts")
    ADMITTED = "admitted", _("When the patient is admitted")


STOP_POINT_TRIGGERS = frozenset({Trigger.BEFORE_DUE, Trigger.OVERDUE})


class Target(models.TextChoices):
    OWNER = "owner", _("The stop point's owner")
    UNIT_LEADER = "unit_leader", _("The unit leader")
    PRIMARY_CONTACT = "primary_contact", _("The primary contact")
    GP = "gp", _("The patient's GP")
    ALLOCATION_OFFICE = "allocation_office", _("The allocation office")


class NotificationRule(BaseModel):
    """When to tell whom. Shipped defaults have no organisation and are ``local_default``: they
    apply to every municipality that has no rules of its own."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notification_rules",
        help_text=_("Empty for the shipped defaults."),
    )
    template_code = models.SlugField(
        _("pathway template"),
        max_length=60,
        help_text=_("The template's code; its municipal copies follow the same rules."),
    )
    stop_point_code = models.CharField(
        _("stop point"),
        max_length=20,
        blank=True,
        help_text=_("Empty: every stop point of the template."),
    )
    trigger = models.CharField(_("when"), max_length=30, choices=Trigger)
    target = models.CharField(_("who"), max_length=30, choices=Target)
    delay_days = models.IntegerField(
        _("working days"),
        default=0,
        help_text=_("Before the deadline for 'before', after the deadline or the event otherwise."),
    )
    repeat_days = models.PositiveIntegerField(
        _("repeat every (working days)"),
        null=True,
        blank=True,
        help_text=_("Overdue reminders only: remind again while the stop point stays overdue."),
    )
    message = models.CharField(
        _("message"),
        max_length=200,
        blank=True,
        help_text=_("Shown in the app only; never sent by e-mail."),
    )
    active = models.BooleanField(_("active"), default=True)
    local_default = models.BooleanField(
        pgettext_lazy("notification rule", "local default"),
        default=False,
        help_text=_("Shipped with the template as a local default, not a national standard."),
    )

    class Meta:
        verbose_name = _("notification rule")
        verbose_name_plural = _("notification rules")
        ordering = ["template_code", "trigger", "stop_point_code", "delay_days", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delay_days__gte=0), name="notification_rule_delay_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template_code} {self.stop_point_code or '*'} {self.trigger} → {self.target}"


class Notification(PatientRecord):
    """One thing to tell one person, made once by the scheduler; shown in the app (the bell)."""

    data_controller_from = "pathway"

    rule = models.ForeignKey(
        NotificationRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(
        _("subject"),
        max_length=40,
        help_text=_("What it is about, as a key: stop_point:12, pathway:3 or event:7."),
    )
    step = models.PositiveIntegerField(_("step"), default=1)
    trigger = models.CharField(_("when"), max_length=30, choices=Trigger)
    stop_point = models.ForeignKey(
        "pathways.StopPoint",
        verbose_name=_("stop point"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    pathway = models.ForeignKey(
        "pathways.Pathway",
        verbose_name=_("pathway"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.ForeignKey(
        "pathways.PathwayEvent",
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    fire_at = models.DateTimeField(_("due"), help_text=_("When the rule made it due."))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    delivery = models.ForeignKey(
        "notifications.Delivery",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-fire_at", "-pk"]
        constraints = [
            # Exactly once: a second scheduler (or a second run) inserting the same key fails
            # the insert, which is ignored.
            models.UniqueConstraint(
                fields=["rule", "subject", "recipient", "step"], name="notification_once"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "cancelled_at"], name="notification_bell")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.subject}/{self.recipient_id}/{self.step}"


class Delivery(BaseModel):
    """One e-mail (or, later, SMS) to one person: a notification sent at once, or a day's digest.

    Sending claims the row (``pending`` → ``sending`` in one conditional UPDATE), so two workers
    never send the same one. A failed send goes back to ``pending`` with a later
    ``next_attempt_at`` (backoff), and after the last attempt stays ``failed`` for the
    administrators. A row left ``sending`` by a worker that died is shown to them too and not
    sent again: sending twice is worse than asking a person to look.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notification_deliveries",
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    key = models.CharField(
        _("key"),
        max_length=80,
        unique=True,
        help_text=_("notification:12, digest:5:2026-03-10 or weekly:5:2026-W11"),
    )

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", _("At once")
        DIGEST = "digest", _("Daily digest")
        WEEKLY = "weekly", _("Leaders' weekly summary")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    scheduled_for = models.DateTimeField(_("to be sent"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    claimed_by = models.CharField(_("worker"), max_length=64, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    address = models.CharField(_("address"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("notification e-mail")
        verbose_name_plural = _("notification e-mails")
        ordering = ["-scheduled_for", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]

    def __str__(self) -> str:
        return self.key


class Preference(BaseModel):
    """How a person wants to hear: e-mail at once, a daily digest at an hour, or only in the app."""

    class Email(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        DIGEST = "digest", _("A daily digest")
        NONE = "none", _("No e-mail (only in Forløp)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email_mode = models.CharField(
        _("e-mail"), max_length=20, choices=Email.choices, default=Email.DIGEST
    )
    digest_hour = models.PositiveSmallIntegerField(
        _("digest hour"), default=7, help_text=_("0–23, on working days.")
    )
    email = models.EmailField(
        _("e-mail address"), blank=True, help_text=_("Empty: the address of your user account.")
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="preference_digest_hour_in_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email_mode}"


class CalendarToken(BaseModel):
    """A revocable secret in a calendar feed's URL (not the session): only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="calendar_tokens",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_token_one_live_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {'revoked' if self.revoked_at else 'live'}"
