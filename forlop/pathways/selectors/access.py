"""Access-checked lookups of one pathway or one stop point.

Both ask ``patients.selectors.patient_get_for_user`` (the access function, which also writes
the audit row) and raise ``Http404`` when the user has no service need.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from forlop.core.models import AuditVerb, User
from forlop.core.validation import INT_MAX, int_param
from forlop.pathways import models
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_get_for_user


def pathway_get_for_user(
    *,
    user: User,
    pathway_id: int,
    now: datetime | None = None,
    verb: AuditVerb = AuditVerb.PATHWAY_VIEWED,
) -> models.Pathway:
    """The pathway if the user may see its patient (audited as ``verb``, PATHWAY_VIEWED unless
    a printed report says SUMMARY_PRINTED); Http404 otherwise."""
    pathway = (
        models.Pathway.objects.select_related(
            "version__template", "unit__organisation", "primary_contact", "previous"
        )
        .filter(pk=pathway_id)
        .first()
    )
    if pathway is None:
        raise Http404
    pathway.patient = patient_get_for_user(
        user=user, patient_id=pathway.patient_id, verb=verb, now=now, data={"pathway": pathway.pk}
    )
    return pathway


def stop_point_get_for_user(
    *, user: User, pk: int, now: datetime | None = None, for_write: bool = False
) -> models.StopPoint:
    """The stop point if the user may see its patient (audited as CHECKLIST_VIEWED); Http404 otherwise.

    ``for_write``: the caller is about to change the checklist (answer, sign, reopen, assign),
    and the service writes the audit row of that change. No "viewed" row then, so a visit that
    answers ten items leaves one "viewed checklist" row and ten "answered" rows, not eleven
    "viewed" rows (issue 10, item 11). A refusal is audited either way.
    """
    stop_point = (
        models.StopPoint.objects.select_related(
            "definition",
            "pathway__version__template",
            "pathway__unit",
            "pathway__primary_contact",
            "pathway__patient__gp",
            "completed_by",
            "owner_signed_by",
            "assignee",
            "event",
        )
        .prefetch_related("parts__assignee", "parts__signed_by")
        .filter(pk=pk)
        .first()
    )
    if stop_point is None:
        raise Http404
    stop_point.pathway.patient = patient_get_for_user(
        user=user,
        patient_id=stop_point.pathway.patient_id,
        verb=AuditVerb.CHECKLIST_VIEWED,
        now=now,
        data={"stop_point": stop_point.pk, "code": stop_point.definition.code},
        audit_read=not for_write,
    )
    return stop_point


def checklist_read_audit(*, user: User, stop_point: models.StopPoint) -> None:
    """Audit a read of the checklist by a write that changed nothing and shows it again (a
    conflict shows the other person's answer; a refused action re-renders the page): the access
    is checked again and a "viewed checklist" row written, as for a visit."""
    patient_get_for_user(
        user=user,
        patient_id=stop_point.pathway.patient_id,
        verb=AuditVerb.CHECKLIST_VIEWED,
        data={"stop_point": stop_point.pk, "code": stop_point.definition.code},
    )


def pathways_for_patient(*, patient: Patient) -> QuerySet[models.Pathway]:
    """A patient's pathways, newest first. The caller has already checked access to ``patient``."""
    return models.Pathway.objects.filter(patient=patient).select_related(
        "version__template", "unit", "primary_contact", "previous"
    )


def stop_point_for_patient(*, patient: Patient, stop_point_id: object) -> models.StopPoint | None:
    """One of ``patient``'s stop points by id, or None (another patient's, or not a number).

    For pages of other apps that link to a stop point (the goals page opened from a checklist);
    the caller has already checked access to ``patient``.
    """
    pk = int_param(str(stop_point_id), maximum=INT_MAX)
    if pk is None:
        return None
    return (
        models.StopPoint.objects.select_related("definition", "pathway")
        .filter(pk=pk, pathway__patient=patient)
        .first()
    )


def open_stop_points_for_patient(*, patient: Patient) -> QuerySet[models.StopPoint]:
    """The open stop points of the patient's running pathways, soonest first (for the
    patient's own pages; the caller has already checked access)."""
    return (
        models.StopPoint.objects.open()
        .in_running_pathways()
        .filter(pathway__patient=patient)
        .select_related("definition", "pathway__unit")
        .order_by("due_at", "pk")
    )
