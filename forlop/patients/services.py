"""Writes of patient data. Each service owns its transaction and its audit row."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.changes import changes_apply
from forlop.core.identifiers import IdentityNumberError, parse_identity_number
from forlop.core.models import (
    EMERGENCY_ACCESS_ROLES,
    AuditVerb,
    Membership,
    Organisation,
    Role,
    Unit,
    User,
)
from forlop.core.selectors import emergency_data_controllers_for_user, units_for_user
from forlop.patients.models import EmergencyAccess, HospitalStay, NextOfKin, Patient, PatientService
from forlop.patients.selectors import (
    emergency_accesses_for_leader,
    emergency_review_cutoff,
    patient_find_by_identity_number,
)

MIN_EMERGENCY_REASON = 10


def _kind_for(kind: str) -> str:
    return {
        "fnr": Patient.IdKind.FNR,
        "dnr": Patient.IdKind.DNR,
        "hnr": Patient.IdKind.HNR,
        "fhn": Patient.IdKind.FHN,
    }[str(kind)]


def patient_create(
    *,
    actor: User,
    municipality: Organisation,
    serving_unit: Unit,
    given_name: str,
    family_name: str,
    identity_number: str,
    service_start: date,
    address: str = "",
    postal_code: str = "",
    city: str = "",
    phone: str = "",
    gp: User | None = None,
    primary_contact: User | None = None,
    next_of_kin_name: str = "",
    next_of_kin_relation: str = "",
    next_of_kin_phone: str = "",
) -> Patient:
    """Register a patient served by one of the actor's units. Nothing is saved on any error."""
    if not units_for_user(user=actor).filter(pk=serving_unit.pk).exists():
        raise PermissionDenied(_("You can only register patients for a unit you work in."))
    try:
        parsed = parse_identity_number(identity_number)
    except IdentityNumberError as exc:
        raise ValidationError({"identity_number": exc.message}, code=exc.code) from exc
    _refuse_duplicate(actor=actor, municipality=municipality, identity_number=parsed.value)
    patient = Patient(
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        identity_number=parsed.value,
        id_kind=_kind_for(parsed.kind),
        synthetic=parsed.synthetic,
        birth_date=parsed.birth_date,
        address=address.strip(),
        postal_code=postal_code.strip(),
        city=city.strip(),
        phone=phone.strip(),
        municipality=municipality,
        gp=gp,
        primary_contact=primary_contact,
    )
    patient.full_clean()
    try:
        with transaction.atomic():
            patient.save()
            service = PatientService(patient=patient, unit=serving_unit, started_on=service_start)
            service.full_clean()
            service.save()
            if next_of_kin_name.strip():
                _next_of_kin_save(
                    patient=patient,
                    name=next_of_kin_name,
                    relation=next_of_kin_relation,
                    phone=next_of_kin_phone,
                    is_primary=True,
                )
            audit_record(
                actor=actor,
                verb=AuditVerb.PATIENT_CREATED,
                patient_id=patient.pk,
                target=patient,
                data={"unit": serving_unit.code},
            )
    except IntegrityError as exc:  # a concurrent registration of the same number
        raise ValidationError(
            {"identity_number": _("A patient with this identity number is already registered.")},
            code="duplicate",
        ) from exc
    return patient


def _refuse_duplicate(
    *,
    actor: User,
    municipality: Organisation,
    identity_number: str,
    exclude_pk: int | None = None,
) -> None:
    """Refuse a number the municipality has already registered, and log the look-up.

    Per data controller: another municipality's record of the same person is neither found nor
    hinted at (the number is unique per municipality, see Patient.Meta).
    """
    existing = Patient.objects.filter(municipality=municipality, identity_number=identity_number)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    duplicate = existing.first()
    if duplicate is None:
        return
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_SEARCHED,
            patient_id=duplicate.pk,
            target=duplicate,
            data={"purpose": "duplicate_check", "found": True},
        )
    raise ValidationError(
        {"identity_number": _("A patient with this identity number is already registered.")},
        code="duplicate",
    )


def service_decision_role(*, actor: User, patient: Patient, unit: Unit | None = None) -> str | None:
    """The role in which the actor may decide which units serve the patient, or None.

    A service decision (tjenestevedtak) is the allocation office's (of the patient's
    municipality) or a unit leader's (of the unit in question, or with `unit=None` of any unit
    of the municipality). It is never made under emergency access: the actor needs a service
    need of their own, checked separately in `_check_service_decision`.
    """
    memberships = Membership.objects.filter(user=actor, active=True)
    if memberships.filter(
        role=Role.ALLOCATION_OFFICE, unit__organisation_id=patient.municipality_id
    ).exists():
        return Role.ALLOCATION_OFFICE
    leads = memberships.filter(role=Role.UNIT_LEADER, unit__organisation_id=patient.municipality_id)
    if unit is not None:
        leads = leads.filter(unit=unit)
    if leads.exists():
        return Role.UNIT_LEADER
    return None


def _check_service_decision(*, actor: User, patient: Patient, unit: Unit, now: datetime) -> str:
    if (
        not Patient.objects.visible_to(actor, now=now, include_emergency=False)
        .filter(pk=patient.pk)
        .exists()
    ):
        raise PermissionDenied(
            _("Serving units are decided with a service need, never under emergency access.")
        )
    role = service_decision_role(actor=actor, patient=patient, unit=unit)
    if role is None:
        raise PermissionDenied(
            _(
                "Which units serve a patient is a service decision, made by the allocation "
                "office or the unit's leader."
            )
        )
    if unit.organisation_id != patient.municipality_id:
        raise ValidationError({"unit": _("Choose a unit of the patient's municipality.")})
    return role


def patient_service_add(
    *, actor: User, patient: Patient, unit: Unit, started_on: date, now: datetime | None = None
) -> PatientService:
    """Record the service decision that a unit serves the patient (gives its staff access)."""
    role = _check_service_decision(
        actor=actor, patient=patient, unit=unit, now=now or timezone.now()
    )
    with transaction.atomic():
        service = PatientService(patient=patient, unit=unit, started_on=started_on)
        service.full_clean()
        service.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_SERVICE_ADDED,
            patient_id=patient.pk,
            target=service,
            data={"unit": unit.code, "service_decision": True, "decided_as": role},
        )
    return service


def patient_service_end(
    *, actor: User, service: PatientService, ended_on: date, now: datetime | None = None
) -> PatientService:
    """Record the service decision that a unit no longer serves the patient."""
    role = _check_service_decision(
        actor=actor, patient=service.patient, unit=service.unit, now=now or timezone.now()
    )
    with transaction.atomic():
        service.ended_on = ended_on
        service.full_clean()
        service.save(update_fields=["ended_on", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_SERVICE_ENDED,
            patient_id=service.patient_id,
            target=service,
            data={"unit": service.unit.code, "service_decision": True, "decided_as": role},
        )
    return service


def _emergency_data_controller(*, actor: User, patient: Patient) -> Organisation:
    """The data controller under which the actor may break the glass for this patient.

    The actor must hold a direct-care role (EMERGENCY_ACCESS_ROLES). The record must belong to
    a data controller the actor works for: the patient's municipality, or a hospital trust where
    the patient has (had) a stay.
    """
    if not Membership.objects.filter(
        user=actor, active=True, role__in=EMERGENCY_ACCESS_ROLES
    ).exists():
        raise PermissionDenied(
            _("Emergency access is for clinical staff who give the patient care directly.")
        )
    mine = emergency_data_controllers_for_user(user=actor)
    if patient.municipality_id in mine:
        return patient.municipality
    trusts = Organisation.objects.filter(
        pk__in=mine, units__stays__patient=patient, kind=Organisation.Kind.HOSPITAL_TRUST
    ).distinct()
    trust = trusts.order_by("pk").first()
    if trust is None:
        raise PermissionDenied(
            _(
                "You can take emergency access only to records of the municipality or hospital "
                "trust you work for."
            )
        )
    return trust


def _clean_reason(*, reason_category: str, reason: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if reason_category not in EmergencyAccess.Category.values:
        errors["reason_category"] = _("Choose why you need access.")
    reason = reason.strip()
    if len(reason) < MIN_EMERGENCY_REASON:
        errors["reason"] = _("Explain why you need access (at least %(n)d characters).") % {
            "n": MIN_EMERGENCY_REASON
        }
    if errors:
        raise ValidationError(errors, code="reason")
    return reason_category, reason


def emergency_access_grant(
    *,
    actor: User,
    patient: Patient,
    reason_category: str,
    reason: str,
    now: datetime | None = None,
) -> EmergencyAccess:
    """Give time-limited emergency access within the patient's data controller.

    Clinical (direct-care) roles only; a reason category and a text are required and kept for the
    review by the data controller's leaders. Nothing is saved on any refusal.
    """
    now = now or timezone.now()
    controller = _emergency_data_controller(actor=actor, patient=patient)
    reason_category, reason = _clean_reason(reason_category=reason_category, reason=reason)
    with transaction.atomic():
        grant = EmergencyAccess(
            user=actor,
            patient=patient,
            reason_category=reason_category,
            reason=reason,
            data_controller=controller,
            granted_at=now,
            expires_at=now + timedelta(hours=settings.FORLOP_EMERGENCY_ACCESS_HOURS),
        )
        grant.full_clean()
        grant.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.EMERGENCY_ACCESS_GRANTED,
            patient_id=patient.pk,
            target=grant,
            reason=reason,
            emergency=True,
            data={
                "category": reason_category,
                "data_controller": controller.code,
                "expires_at": grant.expires_at.isoformat(),
            },
        )
    return grant


def emergency_access_take(
    *,
    actor: User,
    identity_number: str,
    reason_category: str,
    reason: str,
    now: datetime | None = None,
) -> EmergencyAccess:
    """Emergency access by identity number, as the form asks for it.

    The role is checked before the number is looked up, so a user who may not break the glass
    learns nothing about the number. The look-up is confined to the actor's data controllers
    (and audited): another municipality's patient is "not found", exactly like an unknown number.
    """
    now = now or timezone.now()
    if not Membership.objects.filter(
        user=actor, active=True, role__in=EMERGENCY_ACCESS_ROLES
    ).exists():
        raise PermissionDenied(
            _("Emergency access is for clinical staff who give the patient care directly.")
        )
    reason_category, reason = _clean_reason(reason_category=reason_category, reason=reason)
    found = patient_find_by_identity_number(
        user=actor, identity_number=identity_number, purpose="emergency_access", now=now
    )
    if found.patient is None:
        raise ValidationError(
            {
                "identity_number": _(
                    "No patient with that identity number is registered in the records of the "
                    "municipality or hospital trust you work for."
                )
            },
            code="not_found",
        )
    return emergency_access_grant(
        actor=actor,
        patient=found.patient,
        reason_category=reason_category,
        reason=reason,
        now=now,
    )


def emergency_access_review(
    *, actor: User, access: EmergencyAccess, note: str, now: datetime | None = None
) -> EmergencyAccess:
    """Mark a grant reviewed: by a leader or administrator of its data controller, never the taker."""
    now = now or timezone.now()
    if access.user_id == actor.pk:
        raise PermissionDenied(_("Someone other than you must review your emergency access."))
    if not emergency_accesses_for_leader(user=actor, now=now).filter(pk=access.pk).exists():
        raise PermissionDenied(
            _("Only a leader or administrator of the data controller can review this access.")
        )
    if access.reviewed_at is not None:
        raise ValidationError(
            _("This emergency access has already been reviewed."), code="reviewed"
        )
    with transaction.atomic():
        access.reviewed_by = actor
        access.reviewed_at = now
        access.review_note = note.strip()
        access.full_clean()
        access.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.EMERGENCY_ACCESS_REVIEWED,
            patient_id=access.patient_id,
            target=access,
            data={"note": access.review_note},
        )
    return access


def emergency_access_escalate_overdue(*, now: datetime | None = None) -> list[EmergencyAccess]:
    """Escalate unreviewed grants older than FORLOP_EMERGENCY_REVIEW_HOURS, once each.

    An escalated grant is shown to every leader and administrator of its data controller, and
    gets an audit row. Notifications hook in through FORLOP_EMERGENCY_ESCALATION_NOTIFIER (a
    function taking the grants), called inside the transaction: if it fails, nothing is
    escalated and a retry does it all once. Idempotent: run it from cron or the task in
    patients/tasks.py as often as you like.
    """
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            EmergencyAccess.objects.select_for_update()
            .filter(
                reviewed_at__isnull=True,
                escalated_at__isnull=True,
                granted_at__lt=emergency_review_cutoff(now=now),
            )
            .order_by("granted_at", "pk")
        )
        for grant in overdue:
            grant.escalated_at = now
            grant.save(update_fields=["escalated_at", "updated_at"])
            audit_record(
                actor=None,
                verb=AuditVerb.EMERGENCY_ACCESS_ESCALATED,
                patient_id=grant.patient_id,
                target=grant,
                data={"granted_at": grant.granted_at.isoformat()},
            )
        if overdue and settings.FORLOP_EMERGENCY_ESCALATION_NOTIFIER:
            import_string(settings.FORLOP_EMERGENCY_ESCALATION_NOTIFIER)(overdue)
    return overdue


def hospital_stay_admit(
    *, actor: User | None, patient: Patient, ward: Unit, admitted_at: datetime
) -> HospitalStay:
    if ward.kind != Unit.Kind.HOSPITAL_WARD:
        raise ValidationError({"ward": _("Choose a hospital ward.")}, code="ward")
    if patient.stays.filter(discharged_at__isnull=True).exists():
        raise ValidationError(_("The patient is already admitted."), code="already_admitted")
    with transaction.atomic():
        stay = HospitalStay(patient=patient, ward=ward, admitted_at=admitted_at)
        stay.full_clean()
        stay.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.STAY_ADMITTED,
            patient_id=patient.pk,
            target=stay,
            data={"ward": ward.code},
        )
    return stay


def hospital_stay_discharge(
    *, actor: User | None, stay: HospitalStay, discharged_at: datetime
) -> HospitalStay:
    if stay.discharged_at is not None:
        raise ValidationError(_("The stay has already ended."), code="already_discharged")
    if discharged_at < stay.admitted_at:
        raise ValidationError(_("Discharge cannot be before admission."), code="before_admission")
    with transaction.atomic():
        stay.discharged_at = discharged_at
        stay.save(update_fields=["discharged_at", "updated_at"])
        audit_record(
            actor=actor, verb=AuditVerb.STAY_DISCHARGED, patient_id=stay.patient_id, target=stay
        )
    return stay


def roles_that_register_patients() -> frozenset[str]:
    return frozenset(
        {Role.ALLOCATION_OFFICE, Role.UNIT_LEADER, Role.PRIMARY_CONTACT, Role.ADMINISTRATOR}
    )


PATIENT_EDITABLE_FIELDS = (
    "given_name",
    "family_name",
    "address",
    "postal_code",
    "city",
    "phone",
    "gp",
    "primary_contact",
)


def patient_update(
    *, actor: User, patient: Patient, identity_number: str | None = None, **fields: object
) -> Patient:
    """Change a patient's details. A new identity number (an FH-number replaced by a
    fødselsnummer, say) is validated and checked for duplicates. The audit row names the
    changed fields, never their values."""
    unknown = set(fields) - set(PATIENT_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    changed = list(changes_apply(patient, fields))
    if identity_number is not None and identity_number != patient.identity_number:
        try:
            parsed = parse_identity_number(identity_number)
        except IdentityNumberError as exc:
            raise ValidationError({"identity_number": exc.message}, code=exc.code) from exc
        _refuse_duplicate(
            actor=actor,
            municipality=patient.municipality,
            identity_number=parsed.value,
            exclude_pk=patient.pk,
        )
        patient.identity_number = parsed.value
        patient.id_kind = _kind_for(parsed.kind)
        patient.synthetic = parsed.synthetic
        patient.birth_date = parsed.birth_date
        changed += ["identity_number", "id_kind", "synthetic", "birth_date"]
    if not changed:
        return patient
    patient.full_clean()
    with transaction.atomic():
        patient.save(update_fields=[*changed, "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_UPDATED,
            patient_id=patient.pk,
            target=patient,
            data={"fields": changed},
        )
    return patient


def _next_of_kin_save(
    *, patient: Patient, name: str, relation: str, phone: str, is_primary: bool
) -> NextOfKin:
    """The one way a next of kin is made (at registration and later): stripped, validated, saved.
    The caller owns the transaction and the audit row."""
    kin = NextOfKin(
        patient=patient,
        name=name.strip(),
        relation=relation.strip(),
        phone=phone.strip(),
        is_primary=is_primary,
    )
    kin.full_clean()
    kin.save()
    return kin


def next_of_kin_add(
    *,
    actor: User,
    patient: Patient,
    name: str,
    relation: str = "",
    phone: str = "",
    is_primary: bool = False,
) -> NextOfKin:
    with transaction.atomic():
        kin = _next_of_kin_save(
            patient=patient, name=name, relation=relation, phone=phone, is_primary=is_primary
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_UPDATED,
            patient_id=patient.pk,
            target=kin,
            data={"fields": ["next_of_kin"]},
        )
    return kin
