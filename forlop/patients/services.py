"""Writes of patient data. Each service owns its transaction and its audit row."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.identifiers import IdentityNumberError, parse_identity_number
from forlop.core.models import AuditVerb, Organisation, Role, Unit, User
from forlop.core.selectors import led_units, units_for_registration
from forlop.patients.models import EmergencyAccess, HospitalStay, NextOfKin, Patient, PatientService

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
    if not units_for_registration(user=actor).filter(pk=serving_unit.pk).exists():
        raise PermissionDenied(_("You can only register patients for a unit you work in."))
    if primary_contact is not None and not primary_contact.memberships.filter(
        unit=serving_unit, role=Role.PRIMARY_CONTACT, active=True
    ).exists():
        raise ValidationError(
            {"primary_contact": _("The primary contact must work in the serving unit.")},
            code="primary_contact_unit",
        )
    try:
        parsed = parse_identity_number(identity_number)
    except IdentityNumberError as exc:
        raise ValidationError({"identity_number": exc.message}, code=exc.code) from exc
    if Patient.objects.filter(identity_number=parsed.value).exists():
        raise ValidationError(
            {"identity_number": _("A patient with this identity number is already registered.")},
            code="duplicate",
        )
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
                kin = NextOfKin(
                    patient=patient,
                    name=next_of_kin_name.strip(),
                    relation=next_of_kin_relation.strip(),
                    phone=next_of_kin_phone.strip(),
                    is_primary=True,
                )
                kin.full_clean()
                kin.save()
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


def patient_service_add(
    *, actor: User, patient: Patient, unit: Unit, started_on: date
) -> PatientService:
    with transaction.atomic():
        service = PatientService(patient=patient, unit=unit, started_on=started_on)
        service.full_clean()
        service.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_SERVICE_ADDED,
            patient_id=patient.pk,
            target=service,
            data={"unit": unit.code},
        )
    return service


def patient_service_end(*, actor: User, service: PatientService, ended_on: date) -> PatientService:
    with transaction.atomic():
        service.ended_on = ended_on
        service.full_clean()
        service.save(update_fields=["ended_on", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_SERVICE_ENDED,
            patient_id=service.patient_id,
            target=service,
            data={"unit": service.unit.code},
        )
    return service


def emergency_access_grant(
    *, actor: User, patient: Patient, reason: str, now: datetime | None = None
) -> EmergencyAccess:
    """Give time-limited emergency access. The reason is required and kept for the leader's review."""
    now = now or timezone.now()
    reason = reason.strip()
    if len(reason) < MIN_EMERGENCY_REASON:
        raise ValidationError(
            {
                "reason": _("Explain why you need access (at least %(n)d characters).")
                % {"n": MIN_EMERGENCY_REASON}
            },
            code="reason",
        )
    if not actor.memberships.filter(active=True).exists():
        raise PermissionDenied(_("Only staff members can take emergency access."))
    with transaction.atomic():
        grant = EmergencyAccess(
            user=actor,
            patient=patient,
            reason=reason,
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
            data={"expires_at": grant.expires_at.isoformat()},
        )
    return grant


def emergency_access_review(
    *, actor: User, access: EmergencyAccess, note: str, now: datetime | None = None
) -> EmergencyAccess:
    now = now or timezone.now()
    units = led_units(user=actor)
    allowed = (
        access.user.memberships.filter(unit__in=units).exists()
        or access.patient.services.filter(unit__in=units).exists()
    )
    if not allowed:
        raise PermissionDenied(_("Only a leader of the unit can review this emergency access."))
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
    changed = [name for name, value in fields.items() if getattr(patient, name) != value]
    for name in changed:
        value = fields[name]
        setattr(patient, name, value.strip() if isinstance(value, str) else value)
    if identity_number is not None and identity_number != patient.identity_number:
        try:
            parsed = parse_identity_number(identity_number)
        except IdentityNumberError as exc:
            raise ValidationError({"identity_number": exc.message}, code=exc.code) from exc
        if Patient.objects.filter(identity_number=parsed.value).exclude(pk=patient.pk).exists():
            raise ValidationError(
                {
                    "identity_number": _(
                        "A patient with this identity number is already registered."
                    )
                },
                code="duplicate",
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
        kin = NextOfKin(
            patient=patient,
            name=name.strip(),
            relation=relation.strip(),
            phone=phone.strip(),
            is_primary=is_primary,
        )
        kin.full_clean()
        kin.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_UPDATED,
            patient_id=patient.pk,
            target=kin,
            data={"fields": ["next_of_kin"]},
        )
    return kin
