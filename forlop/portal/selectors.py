"""Reads for the patient's own pages. The patient always comes from the signed-in user's
portal account, never from a URL; every read of the record is audited here, as staff reads
are in the access function (next of kin may be the one reading)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from forlop.core.audit import audit_record
from forlop.core.models import AuditEvent, AuditVerb, Unit, User
from forlop.core.tz import OSLO
from forlop.pathways import selectors as pathway_selectors
from forlop.patients.models import Patient, PatientService
from forlop.patients.selectors import patient_access_log
from forlop.portal.models import PortalAccount


def portal_account_for_user(*, user: User) -> PortalAccount | None:
    """The portal account of a signed-in patient or next of kin, or None for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return None
    return PortalAccount.objects.select_related("patient__municipality").filter(user=user).first()


def portal_patient_get(*, account: PortalAccount, verb: AuditVerb) -> Patient:
    """The account's patient, with the read audited as ``verb``."""
    patient = account.patient
    with transaction.atomic():
        audit_record(actor=account.user, verb=verb, patient_id=patient.pk, target=patient)
    return patient


def serving_units_for_patient(*, patient: Patient, today: date) -> QuerySet[Unit]:
    """Units serving the patient today, with their phone numbers, for the patient's summary."""
    serving = PatientService.objects.filter(patient=patient, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    return (
        Unit.objects.filter(pk__in=serving.values("unit_id"))
        .select_related("organisation")
        .order_by("name")
    )


def access_log_for_portal(*, account: PortalAccount, limit: int = 10) -> list[AuditEvent]:
    """Who has looked at or changed the record, leaving out the portal user's own visits."""
    return list(patient_access_log(patient=account.patient).exclude(actor=account.user)[:limit])


@dataclass(frozen=True, slots=True)
class NextStep:
    title: str
    by: date | None  # None: its date has passed, and it is still to come ("soon")


def next_steps_for_patient(*, patient: Patient, today: date, limit: int = 6) -> list[NextStep]:
    """What happens next in the patient's pathways, in words for the patient: the open stop
    points of the main checklist, those whose date has passed first as "soon" (a past date
    is not what happens next), then the coming ones with their date. One query; the caller
    reached the patient through the portal account."""
    steps = pathway_selectors.open_stop_points_for_patient(patient=patient).filter(
        definition__in_chain=True
    )[: limit * 2]
    passed: list[NextStep] = []
    coming: list[NextStep] = []
    for stop in steps:
        day = stop.due_at.astimezone(OSLO).date()
        if day < today:
            passed.append(NextStep(title=stop.definition.title, by=None))
        else:
            coming.append(NextStep(title=stop.definition.title, by=day))
    return (passed + coming)[:limit]


# --------------------------------------------------------------------------------------------
# The right of access (innsynsrett): the patient's whole record, as data
# --------------------------------------------------------------------------------------------


def _answer_text(value: object, kind: str) -> str:
    """A stored checklist answer in words, as the care team sees it."""
    from django.utils.translation import gettext as _

    from forlop.pathways import registry

    if isinstance(value, dict):
        plugin = registry.item_kind(kind)
        return plugin.display(value) if plugin is not None else ""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _who(actor: User | None) -> str:
    return (actor.get_full_name() or actor.username) if actor is not None else ""


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else None


def portal_record_get(*, account: PortalAccount, fmt: str, now: datetime) -> dict[str, Any]:
    """Everything Forløp holds on the account's patient, for the right of access (pasient- og
    brukerrettighetsloven § 5-1, GDPR art. 15): pathways with their stop points and checklist
    answers, events, goals with their history and scores, and who has looked at or changed
    the record (from the audit log). Plain JSON-ready values; the download is audited as
    ``patient.exported`` with its format. The identity number is left out, as on every page
    that leaves the system (docs/security.md); the patient knows it."""
    from forlop.goals.models import Goal, Scoring
    from forlop.pathways.models import ChecklistAnswer, Pathway, PathwayEvent

    patient = account.patient
    pathways = (
        Pathway.objects.filter(patient=patient)
        .select_related("version__template", "unit")
        .prefetch_related("stop_points__definition")
        .order_by("started_at", "pk")
    )
    answers: dict[int, list[dict[str, Any]]] = {}
    for answer in (
        ChecklistAnswer.objects.filter(stop_point__pathway__patient=patient)
        .select_related("item")
        .order_by("item__order", "pk")
    ):
        answers.setdefault(answer.stop_point_id, []).append(
            {
                "question": answer.item.text,
                "answer": _answer_text(answer.value, answer.item.kind),
                "not_relevant_reason": answer.not_relevant_reason,
                "answered_at": _when(answer.answered_at),
            }
        )
    scores: dict[int, list[dict[str, Any]]] = {}
    for scoring in (
        Scoring.objects.filter(patient=patient).prefetch_related("scores").order_by("scored_at")
    ):
        for score in scoring.scores.all():
            scores.setdefault(score.goal_id, []).append(
                {
                    "scored_at": _when(scoring.scored_at),
                    "kind": scoring.get_kind_display(),
                    "score": score.value,
                }
            )
    record: dict[str, Any] = {
        "about": "Forløp",
        "created_at": _when(now),
        "patient": {
            "name": patient.full_name,
            "birth_date": patient.birth_date.isoformat() if patient.birth_date else None,
            "address": " ".join(
                p for p in (patient.address, patient.postal_code, patient.city) if p
            ),
            "phone": patient.phone,
            "municipality": patient.municipality.name,
        },
        "pathways": [
            {
                "template": pathway.version.template.name,
                "unit": pathway.unit.name,
                "started_at": _when(pathway.started_at),
                "ended_at": _when(pathway.ended_at),
                "stop_points": [
                    {
                        "code": stop.definition.code,
                        "label": stop.definition.label,
                        "title": stop.definition.title,
                        "due_at": _when(stop.due_at),
                        "completed_at": _when(stop.completed_at),
                        "not_relevant_at": _when(stop.not_relevant_at),
                        "checklist": answers.get(stop.pk, []),
                    }
                    for stop in sorted(pathway.stop_points.all(), key=lambda s: (s.due_at, s.pk))
                ],
            }
            for pathway in pathways
        ],
        "events": [
            {"kind": event.get_kind_display(), "occurred_at": _when(event.occurred_at)}
            for event in PathwayEvent.objects.filter(patient=patient).order_by("occurred_at")
        ],
        "goals": [
            {
                "text": goal.text,
                "status": goal.get_status_display(),
                "created_at": _when(goal.created_at),
                "scores": scores.get(goal.pk, []),
            }
            for goal in Goal.objects.filter(patient=patient).order_by("created_at", "pk")
        ],
        "access_log": [
            {
                "at": _when(event.created_at),
                "who": _who(event.actor),
                "what": event.get_verb_display(),
                "emergency_access": event.emergency,
            }
            for event in patient_access_log(patient=patient).exclude(actor=account.user)
        ],
    }
    with transaction.atomic():
        audit_record(
            actor=account.user,
            verb=AuditVerb.EXPORTED,
            patient_id=patient.pk,
            target=patient,
            data={"format": fmt, "right_of_access": True},
        )
    return record
