"""Writes of core data by an organisation's administrators: memberships (who works where, in
which role). Each service checks that the actor administers the unit's organisation, owns its
transaction and writes the audit row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Role, Unit, User
from forlop.core.selectors import administered_organisation_ids


def _check_administers(*, actor: User, unit: Unit) -> None:
    if unit.organisation_id not in administered_organisation_ids(user=actor):
        raise PermissionDenied(_("You can only manage units of an organisation you administer."))


def membership_add(*, actor: User, user: User, unit: Unit, role: str) -> Membership:
    """Give a user a role in a unit of an organisation the actor administers (or reactivate it)."""
    _check_administers(actor=actor, unit=unit)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            user=user, unit=unit, role=role
        )
        if not created and membership.active:
            raise ValidationError(_("The user already has this role in this unit."))
        if not created:
            membership.active = True
            membership.save(update_fields=["active", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.MEMBERSHIP_ADDED,
            target=membership,
            data={"user": user.pk, "unit": unit.code, "role": role},
        )
    return membership


def membership_end(*, actor: User, membership: Membership) -> Membership:
    """End a user's role in a unit (kept, inactive: the audit log still names the unit)."""
    _check_administers(actor=actor, unit=membership.unit)
    with transaction.atomic():
        membership.active = False
        membership.save(update_fields=["active", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.MEMBERSHIP_ENDED,
            target=membership,
            data={
                "user": membership.user_id,
                "unit": membership.unit.code,
                "role": membership.role,
            },
        )
    return membership
