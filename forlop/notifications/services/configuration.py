"""Writes of what users set: notification rules, preferences, reading, calendar tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import Membership, Organisation, Role, User
from forlop.notifications import rules
from forlop.notifications.error_codes import NotificationErrorCode as Code
from forlop.notifications.models import (
    STOP_POINT_TRIGGERS,
    CalendarToken,
    Notification,
    NotificationRule,
    Preference,
    Target,
    Trigger,
)
from forlop.pathways.models import (
    PathwayTemplate,
    StopPointDefinition,
)

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
