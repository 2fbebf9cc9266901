"""What other systems tell Forløp, as calls of the same services the pages use.

The FHIR writes (``fhir/writes.py``) and the PLO adapter (``plo.py``) both end here, so a
hospital message has one meaning whatever its format:

==========================  ====================================================================
message                     services called (today)
==========================  ====================================================================
admitted                    ``patients.services.hospital_stay_admit`` (the stay is the
                            hospital's service need), then ``pathways.services.event_record(
                            kind="admission")`` (interrupts open stop points, opens HPH6)
ready for discharge         ``pathways.services.pathway_start(start_reason="discharge")`` on
                            the municipality's discharge template (unless one is running),
                            with the report's time and the planned discharge on its timeline
planned discharge moved     ``pathway_planned_discharge_move`` (HPH0 and HPH1 move with it)
discharged                  ``pathway_discharge_register`` for a pathway started in this stay
                            (plans HPH2, HPH3 ... from the discharge and ends the stay);
                            ``event_record(kind="return_home")`` for one running from before
                            the admission (a readmission: it ends and a follow-on pathway
                            starts); otherwise the stay is discharged
checklist answered          ``checklist_answer_save`` per item, ``stop_point_complete`` when
                            the sender says it is complete
==========================  ====================================================================

Every function is idempotent: told the same thing twice, it changes nothing the second time
(and says so in its result). Each takes the acting user (a system client's service user) and
``now``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.models import Membership, Unit, User
from forlop.pathways import models as pm
from forlop.pathways import services
from forlop.patients.models import HospitalStay, Patient, PatientService
from forlop.patients.services import hospital_stay_admit, hospital_stay_discharge

#: The template a ready-for-discharge message starts: the municipality's own copy, or the
#: national default with this code.
DISCHARGE_TEMPLATE = "hph"


@dataclass
class Outcome:
    """What a message did: ``changed`` is False for a repeat; ``notes`` are warnings."""

    changed: bool = False
    created: list[Any] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)
    target: Any = None


def discharge_version(municipality_id: int) -> pm.TemplateVersion:
    version = (
        pm.TemplateVersion.objects.filter(
            status=pm.TemplateVersion.Status.PUBLISHED,
            template__organisation_id=municipality_id,
            template__copied_from__code=DISCHARGE_TEMPLATE,
        )
        .order_by("-published_at", "-number")
        .first()
    ) or (
        pm.TemplateVersion.objects.filter(
            status=pm.TemplateVersion.Status.PUBLISHED,
            template__code=DISCHARGE_TEMPLATE,
            template__organisation__isnull=True,
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        raise ValidationError(
            _("The municipality has no published discharge pathway."), code="no_template"
        )
    return version


def responsible_unit(patient: Patient, *, now: datetime) -> Unit:
    """The municipal unit a started pathway belongs to: the home-care district serving the
    patient, else the municipality's allocation office serving them."""
    today = timezone.localdate(now)
    services_now = (
        PatientService.objects.filter(
            patient=patient, started_on__lte=today, unit__organisation_id=patient.municipality_id
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("unit")
    )
    for kind in (Unit.Kind.HOME_CARE, Unit.Kind.ALLOCATION_OFFICE):
        service = services_now.filter(unit__kind=kind).order_by("started_on", "pk").first()
        if service is not None:
            return service.unit
    raise ValidationError(
        _(
            "No home-care unit serves the patient: the municipality must register the service first."
        ),
        code="no_unit",
    )


def _open_stay(patient: Patient) -> HospitalStay | None:
    return patient.stays.filter(discharged_at__isnull=True).select_related("ward").first()


def admitted(*, actor: User, patient: Patient, ward: Unit, at: datetime, now: datetime) -> Outcome:
    """The patient was admitted to ``ward`` at ``at``."""
    stay = _open_stay(patient)
    if stay is not None:
        if stay.ward_id == ward.pk and stay.admitted_at == at:
            return Outcome(changed=False, target=stay)
        raise ValidationError(_("The patient is already admitted."), code="already_admitted")
    repeat = patient.stays.filter(ward=ward, admitted_at=at).first()
    if repeat is not None:  # admitted and discharged already: an old message
        return Outcome(changed=False, target=repeat)
    # The stay first: it is the hospital's service need (a hospital reporting an admission has
    # none before it), then the admission event through the same service as the page.
    with transaction.atomic():
        stay = hospital_stay_admit(actor=actor, patient=patient, ward=ward, admitted_at=at)
        services.event_record(
            actor=actor, patient=patient, kind="admission", occurred_at=at, now=now
        )
    return Outcome(changed=True, target=stay)


def _pathway_in_stay(
    patient: Patient, stay: HospitalStay | None, version_template_id: int
) -> pm.Pathway | None:
    running = pm.Pathway.objects.filter(
        patient=patient, ended_at__isnull=True, version__template_id=version_template_id
    )
    if stay is not None:
        running = running.filter(started_at__gte=stay.admitted_at)
    return running.order_by("-started_at", "-pk").first()


def ready_for_discharge(
    *,
    actor: User,
    patient: Patient,
    at: datetime,
    planned_discharge: datetime | None,
    now: datetime,
) -> Outcome:
    """The hospital reports the patient ready for discharge (melding om utskrivningsklar pasient)."""
    outcome = Outcome()
    version = discharge_version(patient.municipality_id)
    stay = _open_stay(patient)
    existing = _pathway_in_stay(patient, stay, version.template_id)
    if existing is not None and existing.discharged_at is None:
        # Told again: only a new planned discharge changes anything (HPH0 and HPH1 move).
        outcome.target = existing
        if planned_discharge is not None and planned_discharge != existing.planned_discharge_at:
            moved = services.pathway_planned_discharge_move(
                actor=actor, pathway=existing, planned_discharge_at=planned_discharge, now=now
            )
            outcome.changed = bool(moved.changes)
        return outcome
    running = pm.Pathway.objects.filter(
        patient=patient, ended_at__isnull=True, version__template_id=version.template_id
    ).first()
    if running is not None:
        # Readmitted during a running pathway: it goes on, and restarts at the discharge.
        outcome.target = running
        outcome.notes.append(
            _("A pathway is already running; it restarts when the patient is discharged.")
        )
        return outcome
    pathway = services.pathway_start(
        actor=actor,
        patient=patient,
        version=version,
        unit=responsible_unit(patient, now=now),
        start_reason=pm.Pathway.StartReason.DISCHARGE,
        started_at=at,
        # The pathway's own timeline (issue 9): HPH0 and HPH1 fall due from the planned
        # discharge. Without one in the message they wait until it is registered.
        ready_for_discharge_at=at if planned_discharge is not None else None,
        planned_discharge_at=planned_discharge,
        now=now,
    )
    if planned_discharge is None:
        outcome.notes.append(
            _("The message gave no planned discharge: register it on the pathway's timeline.")
        )
    outcome.changed = True
    outcome.created.append(pathway)
    outcome.target = pathway
    return outcome


def discharged(
    *, actor: User, patient: Patient, ward: Unit | None, at: datetime, now: datetime
) -> Outcome:
    """The patient left hospital at ``at`` (melding om utskrevet pasient / utskrivningsrapport)."""
    outcome = Outcome()
    stay = _open_stay(patient)
    if stay is None:
        done = patient.stays.filter(discharged_at=at).first()
        if done is not None:
            outcome.target = done
            return outcome
        raise ValidationError(_("The patient is not registered as admitted."), code="not_admitted")
    if ward is not None and stay.ward_id != ward.pk:
        raise ValidationError(_("The patient is admitted to another ward."), code="other_ward")
    version = discharge_version(patient.municipality_id)
    in_stay = _pathway_in_stay(patient, stay, version.template_id)
    if in_stay is not None and in_stay.discharged_at is None:
        # The timeline's discharge also ends the hospital stay, in one transaction.
        changed = services.pathway_discharge_register(actor=actor, pathway=in_stay, at=at, now=now)
        outcome.created += changed.created
        outcome.target = in_stay
    elif pm.Pathway.objects.filter(
        patient=patient, ended_at__isnull=True, started_at__lt=stay.admitted_at
    ).exists():
        services.event_record(
            actor=actor, patient=patient, kind="return_home", occurred_at=at, now=now
        )
        outcome.target = (
            pm.Pathway.objects.filter(patient=patient, ended_at__isnull=True)
            .order_by("-started_at")
            .first()
        )
    else:
        hospital_stay_discharge(actor=actor, stay=stay, discharged_at=at)
        outcome.target = stay
    outcome.changed = True
    return outcome


# --- checklists -----------------------------------------------------------------------------


def client_roles(user: User) -> set[str]:
    return set(Membership.objects.filter(user=user, active=True).values_list("role", flat=True))


def client_parts(user: User, stop_point: pm.StopPoint) -> list[str]:
    """The parts of the stop point the system's roles own: ``""`` for the owner's part, a role
    for a part another role completes (the GP's system: HPH3's GP part)."""
    roles = client_roles(user)
    parts = [""] if stop_point.definition.responsible_role in roles else []
    parts += [role for role, _title in stop_point.definition.part_specs if role in roles]
    return parts


def check_owner(user: User, stop_point: pm.StopPoint) -> list[str]:
    """A system may answer only the parts of stop points its roles own (the GP's system the
    GP's part of the visit, home care's EHR the home-care stop points): stricter than for
    people, who may help out. Returns those parts."""
    parts = client_parts(user, stop_point)
    if not parts:
        raise PermissionDenied(
            _("This stop point belongs to another role; your system may not answer it.")
        )
    return parts


@dataclass(frozen=True)
class Answer:
    key: str
    value: Any = None
    not_relevant_reason: str = ""


def _same(answer: pm.ChecklistAnswer | None, wanted: Answer) -> bool:
    if answer is None:
        return wanted.value in (None, "", []) and not wanted.not_relevant_reason
    return (
        answer.value == wanted.value
        and answer.not_relevant_reason == wanted.not_relevant_reason.strip()
    )


def checklist_submit(
    *,
    actor: User,
    stop_point: pm.StopPoint,
    answers: list[Answer],
    complete: bool,
    now: datetime,
) -> Outcome:
    """Save the answers that differ from what is stored, then sign the checklist if asked.

    A repeat (same answers, already signed) changes nothing. Raises ``KeyError`` with the
    index of an answer whose key is not on this checklist.
    """
    parts = check_owner(actor, stop_point)
    outcome = Outcome(target=stop_point)
    items = {item.key: item for item in stop_point.definition.items.all()}
    part_roles = {role for role, _title in stop_point.definition.part_specs}
    for index, answer in enumerate(answers):
        if answer.key not in items:
            raise KeyError(index)
        item_part = items[answer.key].part if items[answer.key].part in part_roles else ""
        if item_part not in parts:
            raise PermissionDenied(
                _("This question is in another role's part; your system may not answer it.")
            )
    stored = {a.item.key: a for a in stop_point.answers.select_related("item")}
    changes = [a for a in answers if not _same(stored.get(a.key), a)]
    if changes and stop_point.completed_at is not None:
        raise ValidationError(
            _("This checklist is signed. Reopen it to change it."), code="completed"
        )
    for answer in changes:
        stop_point.refresh_from_db(fields=["revision"])
        services.checklist_answer_save(
            actor=actor,
            stop_point=stop_point,
            item_id=items[answer.key].pk,
            value=answer.value,
            not_relevant_reason=answer.not_relevant_reason,
            expected_revision=stop_point.revision,
            now=now,
        )
        outcome.changed = True
    if complete and stop_point.completed_at is None:
        stop_point.refresh_from_db(fields=["revision", "owner_signed_at"])
        signed = {p.role for p in stop_point.parts.filter(signed_at__isnull=False)}
        for part in parts:
            if part == "" and stop_point.owner_signed_at is None:
                services.stop_point_complete(
                    actor=actor,
                    stop_point=stop_point,
                    expected_revision=stop_point.revision,
                    now=now,
                )
                outcome.changed = True
            elif part and part not in signed:
                services.stop_point_part_complete(
                    actor=actor,
                    stop_point=stop_point,
                    part=part,
                    expected_revision=stop_point.revision,
                    now=now,
                )
                outcome.changed = True
    return outcome


def stop_point_not_relevant(
    *, actor: User, stop_point: pm.StopPoint, reason: str, now: datetime
) -> Outcome:
    check_owner(actor, stop_point)
    if stop_point.not_relevant_at is not None:
        return Outcome(changed=False, target=stop_point)
    services.stop_point_mark_not_relevant(
        actor=actor, stop_point=stop_point, reason=reason, now=now
    )
    return Outcome(changed=True, target=stop_point)


def open_stop_point_for(*, patient: Patient, definition_ids: list[int]) -> pm.StopPoint | None:
    """The newest open stop point of these definitions for the patient (a checklist sent
    without saying which instance it fills)."""
    return (
        pm.StopPoint.objects.filter(pathway__patient=patient, definition_id__in=definition_ids)
        .filter(
            completed_at__isnull=True, not_relevant_at__isnull=True, interrupted_at__isnull=True
        )
        .select_related("definition", "pathway")
        .order_by("-triggered_at", "-pk")
        .first()
    )
