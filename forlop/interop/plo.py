"""PLO today, FHIR tomorrow: the adapter a PLO gateway calls.

Norway's hospitals and municipalities exchange PLO messages (pleie- og omsorgsmeldinger,
KITH XML over the health network) today. A gateway that receives them parses the XML (that
is the gateway's job: it holds the certificates and the addressing) and calls the functions
here with the few facts Forløp needs; they call ``inbound``, the same functions the FHIR
transactions call, so a PLO message and its FHIR equivalent do the same thing. The outgoing
messages (innleggelsesrapport, helseopplysninger til lege) are built from the same selectors
the printed reports use. docs/interop.md has the mapping table.

The acting user is the gateway's system client's service user; its memberships decide which
patients it reaches, exactly as for FHIR clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.identifiers import IdentityNumberError, parse_identity_number
from forlop.core.models import Unit, User
from forlop.interop import inbound
from forlop.pathways import models as pm
from forlop.pathways import selectors
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_find_for_message


@dataclass(frozen=True)
class HospitalMessage:
    """What Forløp reads from a pasientlogistikk message or a discharge report.

    ``kind`` is the message: ``innlagt`` (melding om innlagt pasient), ``utskrivningsklar``
    (melding om utskrivningsklar pasient), ``avmeldt`` (avmelding av utskrivningsklar pasient),
    ``utskrevet`` (melding om utskrevet pasient) or ``utskrivningsrapport`` (discharge report;
    it implies the discharge).
    """

    kind: str
    identity_number: str
    ward_code: str
    admitted_at: datetime
    at: datetime  # the time the message reports (ready, discharged)
    planned_discharge: datetime | None = None


KINDS = ("innlagt", "utskrivningsklar", "avmeldt", "utskrevet", "utskrivningsrapport")


def _patient(actor: User, identity_number: str, *, now: datetime, notification: bool) -> Patient:
    try:
        parsed = parse_identity_number(identity_number)
    except IdentityNumberError as exc:
        raise ValidationError(exc.message, code=str(exc.code)) from None
    patient = patient_find_for_message(
        sender=actor, identity_number=parsed.value, purpose="plo", now=now
    )
    if patient is None:
        raise ValidationError(
            _("The patient is not registered in Forløp; the municipality registers patients."),
            code="unknown_patient",
        )
    visible = Patient.objects.visible_to(actor, now=now).filter(pk=patient.pk).exists()
    if not visible and not notification:
        raise PermissionDenied(_("No such patient, or your system has no service need for them."))
    return patient


def _ward(actor: User, code: str) -> Unit:
    ward = Unit.objects.filter(
        code=code, kind=Unit.Kind.HOSPITAL_WARD, memberships__user=actor, memberships__active=True
    ).first()
    if ward is None:
        raise PermissionDenied(_("Your system does not act for this ward."))
    return ward


def hospital_message_receive(
    *, actor: User, message: HospitalMessage, now: datetime | None = None
) -> inbound.Outcome:
    """Apply one hospital message. Idempotent: the same message twice changes nothing."""
    now = now or timezone.now()
    if message.kind not in KINDS:
        raise ValidationError(_("Unknown kind of PLO message."), code="kind")
    ward = _ward(actor, message.ward_code)
    patient = _patient(actor, message.identity_number, now=now, notification=True)
    outcome = inbound.admitted(
        actor=actor, patient=patient, ward=ward, at=message.admitted_at, now=now
    )
    if message.kind == "utskrivningsklar":
        ready = inbound.ready_for_discharge(
            actor=actor,
            patient=patient,
            at=message.at,
            planned_discharge=message.planned_discharge,
            now=now,
        )
        outcome.changed |= ready.changed
        outcome.notes += ready.notes
        outcome.target = ready.target
    elif message.kind == "avmeldt":
        # The withdrawal has no service yet (issue 9 corrects the ready-for-discharge time).
        outcome.notes.append(
            _(
                "A withdrawn ready-for-discharge report is not applied yet; correct the pathway by hand."
            )
        )
    elif message.kind in ("utskrevet", "utskrivningsrapport"):
        done = inbound.discharged(actor=actor, patient=patient, ward=ward, at=message.at, now=now)
        outcome.changed |= done.changed
        outcome.target = done.target
    return outcome


# --- outgoing -------------------------------------------------------------------------------


def innleggelsesrapport_content(*, pathway: pm.Pathway) -> dict[str, Any]:
    """The content of an admission report (innleggelsesrapport, HPH6) for a gateway to put in
    PLO XML: the same selector as the printed report. The caller has checked access."""
    report = selectors.admission_report(pathway=pathway)
    return {
        "patient": {
            "name": pathway.patient.full_name,
            "identity_number": pathway.patient.identity_number,
        },
        "admitted_at": report.admission.occurred_at.isoformat() if report.admission else None,
        "medication": [
            {"text": e.text, "value": e.value, "answered_at": e.answered_at.isoformat()}
            for e in report.medication
        ],
        "function": [
            {"text": a.text, "domain": a.domain, "value": a.value, "stop_point": a.stop_point_code}
            for a in report.function
        ],
        "next_of_kin": [
            {"name": k.name, "relation": k.relation, "phone": k.phone} for k in report.next_of_kin
        ],
    }


def helseopplysninger_til_lege_content(*, pathway: pm.Pathway, now: datetime) -> dict[str, Any]:
    """The content of "helseopplysninger til lege" before the GP visit (HPH3): the GP summary."""
    summary = selectors.gp_summary(pathway=pathway, now=now)
    return {
        "patient": {
            "name": pathway.patient.full_name,
            "identity_number": pathway.patient.identity_number,
        },
        "findings": [
            {"text": a.text, "value": a.value, "stop_point": a.stop_point_code}
            for a in summary.findings
        ],
        "care_plan": [
            {"text": e.text, "domain": e.domain, "value": e.value} for e in summary.care_plan
        ],
        "events": [
            {"kind": e.kind, "occurred_at": e.occurred_at.isoformat()} for e in summary.events
        ],
        "open_stop_points": [
            {"code": s.code, "title": s.title, "due_at": s.due_at.isoformat()}
            for s in summary.open_stop_points
        ],
    }
