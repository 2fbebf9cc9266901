"""Reads of patient data. `patient_get_for_user` is the one way code reaches a single patient."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditEvent, AuditVerb, Membership, Role, User
from forlop.core.selectors import (
    administered_organisation_ids,
    data_controllers_for_user,
    led_organisation_ids,
    led_units,
)
from forlop.patients.models import EmergencyAccess, HospitalStay, Patient, PatientService


def has_service_need(patient: Patient) -> bool:
    """Whether a patient from ``accessible_to``/``with_access`` is reached by service need, not
    only by emergency access (the annotations ``with_access`` adds)."""
    return bool(
        getattr(patient, "access_service", False)
        or getattr(patient, "access_gp", False)
        or getattr(patient, "access_stay", False)
    )


def patient_list_for_user(
    *, user: User, now: datetime | None = None, query: str = ""
) -> QuerySet[Patient]:
    """The patients the user has a service need for, optionally filtered by name."""
    now = now or timezone.now()
    qs = Patient.objects.visible_to(user, now=now).select_related(
        "municipality", "primary_contact", "gp"
    )
    for word in query.split():
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return qs


def patient_page_for_user(
    *,
    user: User,
    query: str = "",
    page_number: str | int | None = None,
    page_size: int = 50,
    now: datetime | None = None,
) -> Page[Patient]:
    """One page of the patient list (or a name search), with an audit row naming the ids shown."""
    page = Paginator(patient_list_for_user(user=user, now=now, query=query), page_size).get_page(
        page_number
    )
    page.object_list = list(page.object_list)
    ids = [p.pk for p in page.object_list]
    if ids:
        with transaction.atomic():
            audit_record(
                actor=user,
                verb=AuditVerb.PATIENT_VIEWED,
                data={"list": ids, "search": True} if query else {"list": ids},
            )
    return page


def patient_get_for_user(
    *,
    user: User,
    patient_id: int,
    verb: AuditVerb = AuditVerb.PATIENT_VIEWED,
    now: datetime | None = None,
    data: dict[str, object] | None = None,
    audit_read: bool = True,
) -> Patient:
    """Return the patient if the user has a service need for them, and audit the access.

    Raises Http404 otherwise, so the answer does not tell whether the patient exists.
    The audit row records whether access came only through emergency access, with its reason.
    ``audit_read=False`` is for a write whose service writes its own audit row for the same
    access (an answer on an open checklist): a refusal is still audited, a success is not
    written twice.
    """
    now = now or timezone.now()
    patient = (
        Patient.objects.filter(pk=patient_id)
        .accessible_to(user, now=now)
        .select_related("municipality", "gp", "primary_contact")
        .first()
    )
    if patient is None:
        _audit_refused(user=user, patient_id=patient_id, verb=verb, data=data)
        raise Http404
    if not audit_read:
        return patient
    emergency = None
    if not has_service_need(patient):
        emergency = (
            EmergencyAccess.objects.filter(
                user=user, patient=patient, granted_at__lte=now, expires_at__gt=now
            )
            .order_by("-granted_at")
            .first()
        )
    with transaction.atomic():
        audit_record(
            actor=user,
            verb=verb,
            patient_id=patient.pk,
            target=patient,
            emergency=emergency is not None,
            reason=emergency.reason if emergency is not None else "",
            data=data
            if emergency is None
            else {**(data or {}), "emergency_category": emergency.reason_category},
        )
    return patient


def _audit_refused(
    *, user: User, patient_id: int, verb: AuditVerb | str, data: dict[str, object] | None
) -> None:
    """Log a refused read (ASVS 7.2.2), with what was attempted. The patient id is kept only if
    such a patient exists, so a probe of made-up ids does not land in a real patient's log."""
    if not user.is_authenticated or user.pk is None:
        return  # anonymous requests never get this far; nothing to attribute
    exists = Patient.objects.filter(pk=patient_id).exists()
    details: dict[str, object] = {"attempted": str(verb), **(data or {})}
    if not exists:
        # An id of eleven digits may be an identity number typed into the URL: keep none of it.
        details["id"] = patient_id if patient_id < 10**10 else None
    with transaction.atomic():
        audit_record(
            actor=user,
            verb=AuditVerb.ACCESS_REFUSED,
            patient_id=patient_id if exists else None,
            data=details,
        )


def patients_of_data_controllers(org_ids: set[int]) -> Q:
    """Patients whose records are held by one of the data controllers: the municipality's
    record, or a hospital trust's record of a stay on one of its wards."""
    stays = HospitalStay.objects.filter(patient=OuterRef("pk"), ward__organisation_id__in=org_ids)
    return Q(municipality_id__in=org_ids) | Q(Exists(stays))


@dataclass(frozen=True, slots=True)
class Lookup:
    """The result of a look-up by identity number: the record in the user's data controllers
    (or None) and whether the user has a service need for it."""

    patient: Patient | None
    visible: bool


def patient_find_by_identity_number(
    *, user: User, identity_number: str, purpose: str, now: datetime | None = None
) -> Lookup:
    """Look a number up among the records of the user's own data controllers, and log it.

    A patient registered only by another municipality is not found: the answer is the same as
    for a number registered nowhere. The look-up is audited (with the patient id if found).
    The caller shows the patient only when `visible`; otherwise it may offer emergency access.
    """
    now = now or timezone.now()
    controllers = data_controllers_for_user(user=user)
    candidates = list(
        Patient.objects.filter(identity_number=identity_number)
        .filter(patients_of_data_controllers(controllers))
        .order_by("pk")
    )
    visible_ids = set(
        Patient.objects.visible_to(user, now=now)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    patient = next((c for c in candidates if c.pk in visible_ids), None) or next(
        iter(candidates), None
    )
    with transaction.atomic():
        audit_record(
            actor=user,
            verb=AuditVerb.PATIENT_SEARCHED,
            patient_id=patient.pk if patient else None,
            target=patient,
            data={"purpose": purpose, "found": patient is not None},
        )
    return Lookup(patient=patient, visible=patient is not None and patient.pk in visible_ids)


def patient_find_for_message(
    *, sender: User, identity_number: str, purpose: str, now: datetime | None = None
) -> Patient | None:
    """The record a message from another organisation's system is about (a hospital reporting
    an admission or a patient ready for discharge), logged as a look-up by the sender.

    A message is addressed to the municipality that holds the record, as PLO messages are, so
    the look-up is not limited to the sender's own data controllers. The caller reads nothing
    back unless the sender has a service need (``visible_to``); it may record what the message
    reports. With records in several municipalities, the one with a current service wins; when
    that does not decide, None (the message must be handled by hand).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = list(
        Patient.objects.filter(identity_number=identity_number)
        .annotate(
            served=Exists(
                PatientService.objects.filter(patient=OuterRef("pk"), started_on__lte=today).filter(
                    Q(ended_on__isnull=True) | Q(ended_on__gte=today)
                )
            )
        )
        .order_by("-served", "pk")
    )
    served = [c for c in candidates if getattr(c, "served", False)]
    chosen = served or candidates
    patient = chosen[0] if len(chosen) == 1 else None
    with transaction.atomic():
        audit_record(
            actor=sender,
            verb=AuditVerb.PATIENT_SEARCHED,
            patient_id=patient.pk if patient else None,
            target=patient,
            data={"purpose": purpose, "found": patient is not None, "message": True},
        )
    return patient


def patient_access_log(*, patient: Patient) -> QuerySet[AuditEvent]:
    """Who has looked at or changed this patient's record: reads and writes by people."""
    return (
        AuditEvent.objects.filter(patient_id=patient.pk, actor__isnull=False)
        .exclude(verb=AuditVerb.ACCESS_REFUSED)  # refused: nothing was seen
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def emergency_review_cutoff(*, now: datetime) -> datetime:
    return now - timedelta(hours=settings.FORLOP_EMERGENCY_REVIEW_HOURS)


def emergency_accesses_for_leader(
    *, user: User, only_unreviewed: bool = False, now: datetime | None = None
) -> QuerySet[EmergencyAccess]:
    """Emergency accesses a leader or administrator reviews, from the data controller's side.

    Only grants into the records of a data controller where the user leads a unit or
    administers. Of those: the grants taken by members of units they lead or to patients those
    units serve ("yours"); every grant for the data controller's administrators; grants with no
    leader above the taker or the patient's units ("no leader"); and escalated grants (not
    reviewed within FORLOP_EMERGENCY_REVIEW_HOURS) for every leader of the data controller.
    Annotated with `is_mine`, `has_leader` and `is_escalated`.
    """
    now = now or timezone.now()
    units = led_units(user=user)
    controllers = led_organisation_ids(user=user)
    administered = administered_organisation_ids(user=user)
    mine = Exists(
        Membership.objects.filter(user=OuterRef("user"), active=True, unit__in=units)
    ) | Exists(PatientService.objects.filter(patient=OuterRef("patient"), unit__in=units))
    leaders = (
        Membership.objects.filter(role=Role.UNIT_LEADER, active=True)
        .exclude(user=OuterRef("user"))
        .filter(
            Q(unit__memberships__user=OuterRef("user"), unit__memberships__active=True)
            | Q(unit__patient_services__patient=OuterRef("patient"))
        )
    )
    escalated = Q(escalated_at__isnull=False) | Q(
        reviewed_at__isnull=True, granted_at__lt=emergency_review_cutoff(now=now)
    )
    qs = EmergencyAccess.objects.filter(data_controller_id__in=controllers).annotate(
        is_mine=mine, has_leader=Exists(leaders), is_escalated=escalated
    )
    qs = qs.filter(
        Q(is_mine=True)
        | Q(data_controller_id__in=administered)
        | Q(has_leader=False)
        | Q(is_escalated=True)
    )
    if only_unreviewed:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs.select_related("user", "patient", "reviewed_by").order_by(
        F("reviewed_at").asc(nulls_first=True), "-is_escalated", "-granted_at"
    )


def patient_names_for_user(
    *, user: User, patient_ids: Iterable[int | None], now: datetime | None = None
) -> dict[int, str]:
    """The names of those of ``patient_ids`` the user has a service need for, by id (one query).

    For a list that names patients beside other data (the audit log): the others get no name.
    The names shown are a read of patient data, so one audit row lists their ids.
    """
    wanted = sorted({pk for pk in patient_ids if pk is not None})
    if not wanted:
        return {}
    rows = (
        Patient.objects.visible_to(user, now=now or timezone.now())
        .filter(pk__in=wanted)
        .values_list("pk", "given_name", "family_name")
    )
    names = {pk: f"{given} {family}".strip() for pk, given, family in rows}
    if names:
        with transaction.atomic():
            audit_record(
                actor=user,
                verb=AuditVerb.PATIENT_VIEWED,
                data={"list": sorted(names), "audit_log": True},
            )
    return names


def audit_events_for_leader(
    *,
    user: User,
    actor_id: int | None = None,
    patient_id: int | None = None,
    verb: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    emergency_only: bool = False,
) -> QuerySet[AuditEvent]:
    """Audit rows a leader may review: actions by their units' staff, or on their units' patients."""
    units = led_units(user=user)
    served = Patient.objects.filter(services__unit__in=units).values("pk")
    qs = AuditEvent.objects.filter(
        Q(actor__memberships__unit__in=units) | Q(patient_id__in=served)
    ).distinct()
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if patient_id is not None:
        qs = qs.filter(patient_id=patient_id)
    if verb:
        qs = qs.filter(verb=verb)
    if date_from is not None:
        qs = qs.filter(created_at__gte=date_from)
    if date_to is not None:
        qs = qs.filter(created_at__lt=date_to)
    if emergency_only:
        qs = qs.filter(emergency=True)
    return qs.select_related("actor").order_by("-created_at", "-pk")


def audit_actors_for_leader(*, user: User) -> QuerySet[User]:
    """Everyone who appears in the audit rows the leader may review (their "Who" filter): their
    units' staff and the others who acted on their units' patients (a hospital nurse, a GP)."""
    acted = audit_events_for_leader(user=user).order_by().values("actor_id")
    return User.objects.filter(pk__in=acted).order_by("first_name", "last_name", "pk")


@dataclass(frozen=True, slots=True)
class PatientAccess:
    """Why a user may act on a patient: through emergency access only, or by service need."""

    patient_id: int
    emergency: bool
    reason: str = ""


def patient_access_require(*, user: User, patient_id: int, now: datetime) -> PatientAccess:
    """Check, for a write, that ``user`` has a service need for the patient at ``now``.

    Services that change patient data call this first and write their own audit row, flagged
    when the access is emergency access only. Raises ``PermissionDenied`` otherwise (the user
    already reached the patient, or the caller is a system acting for someone).
    """
    patient = Patient.objects.filter(pk=patient_id).accessible_to(user, now=now).only("pk").first()
    if patient is None:
        raise PermissionDenied(_("You have no service need for this patient."))
    if has_service_need(patient):
        return PatientAccess(patient_id=patient_id, emergency=False)
    grant = (
        EmergencyAccess.objects.filter(
            user=user, patient_id=patient_id, granted_at__lte=now, expires_at__gt=now
        )
        .order_by("-granted_at")
        .values_list("reason", flat=True)
        .first()
    )
    return PatientAccess(patient_id=patient_id, emergency=True, reason=grant or "")
