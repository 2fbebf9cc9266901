"""Writes for the patient's own pages: portal accounts, and the patient's proposals."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, User
from forlop.goals import services as goal_services
from forlop.goals.models import PatientProposal
from forlop.patients.models import Patient
from forlop.portal.models import PortalAccount


def proposal_send(*, account: PortalAccount, kind: str, text: str) -> PatientProposal:
    """The patient (or authorised next of kin) proposes a goal or leaves a comment."""
    return goal_services.proposal_create(
        patient_id=account.patient_id, author=account.user, kind=kind, text=text
    )


def portal_account_create(
    *,
    user: User,
    patient: Patient,
    relation: str = PortalAccount.Relation.SELF,
    authorised_by_patient_at: datetime | None = None,
    actor: User | None = None,
) -> PortalAccount:
    """Give a user (the patient, or authorised next of kin) access to the patient's own pages.

    The user must not hold staff memberships: a portal account and a staff role do not mix.
    """
    if user.memberships.exists():
        raise ValidationError(
            _("A staff user cannot have a patient portal account."), code="staff_user"
        )
    with transaction.atomic():
        account = PortalAccount(
            user=user,
            patient=patient,
            relation=relation,
            authorised_by_patient_at=authorised_by_patient_at,
        )
        account.full_clean()
        account.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_UPDATED,
            patient_id=patient.pk,
            target=account,
            data={"action": "portal_account_created", "relation": relation},
        )
    return account
