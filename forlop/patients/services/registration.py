"""Registering a patient, changing their details and their next of kin."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.changes import changes_apply
from forlop.core.identifiers import IdentityNumberError, parse_identity_number
from forlop.core.models import (
    AuditVerb,
    Organisation,
    Role,
    Unit,
    User,
)
from forlop.core.selectors import (
    units_for_registration,
)
from forlop.patients.models import NextOfKin, Patient, PatientService


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
    if (
        primary_contact is not None
        and not primary_contact.memberships.filter(
            unit=serving_unit, role=Role.PRIMARY_CONTACT, active=True
        ).exists()
    ):
        raise ValidationError(
            {"primary_contact": _("The primary contact must work in the serving unit.")},
            code="primary_contact_unit",
        )
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
