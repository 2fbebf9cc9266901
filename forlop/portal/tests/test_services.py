"""Portal services: the patient's proposals and portal accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from forlop.core.models import AuditEvent, AuditVerb
from forlop.goals import services as goal_services
from forlop.goals.models import PatientProposal
from forlop.portal import services
from forlop.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_proposal_and_seen(patient, nurse, portal_user):
    account = PortalAccount.objects.get(user=portal_user)
    proposal = services.proposal_send(account=account, kind="goal", text="gå tur med hunden")
    assert proposal.patient == patient
    assert (
        AuditEvent.objects.filter(verb=AuditVerb.PATIENT_PROPOSAL, actor=portal_user).count() == 1
    )
    goal_services.proposal_mark_seen(proposal=proposal, actor=nurse)
    proposal.refresh_from_db()
    assert proposal.seen_by == nurse
    assert proposal.seen_at is not None
    with pytest.raises(ValidationError):
        services.proposal_send(account=account, kind="comment", text="  ")
    assert PatientProposal.objects.count() == 1


def test_staff_user_cannot_get_portal_account(patient, nurse):
    with pytest.raises(ValidationError):
        services.portal_account_create(user=nurse, patient=patient)
    assert PortalAccount.objects.count() == 0
