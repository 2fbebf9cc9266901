"""Restoring patients (with services and next of kin) and their hospital stays."""

from __future__ import annotations

from datetime import date

from forlop.core.models import Unit
from forlop.interop.fhir import codes
from forlop.interop.fhir.restore.state import (
    RestoreError,
    State,
    _dt,
    _ext_value,
    _ref_id,
    _sub,
)
from forlop.patients.models import HospitalStay, NextOfKin, Patient, PatientService


class Patients(State):
    def patients_(self) -> None:
        for where, data in self.each("Patient"):
            identifier = (data.get("identifier") or [{}])[0]
            number = identifier.get("value")
            if not number:
                raise RestoreError(where, "a patient needs an identity number")
            patient = Patient.objects.filter(identity_number=number).first()
            if patient is None:
                system = identifier.get("system")
                kind = {v: k for k, v in codes.PERSON_SYSTEMS.items()}.get(system, "hnr")
                name = (data.get("name") or [{}])[0]
                address = (data.get("address") or [{}])[0]
                municipality = self.orgs[
                    _ref_id(data.get("managingOrganization"), "Organization/") or ""
                ]
                patient = Patient.objects.create(
                    given_name=" ".join(name.get("given") or []),
                    family_name=name.get("family", ""),
                    identity_number=number,
                    id_kind=kind,
                    synthetic=any(
                        t.get("code") == "synthetic"
                        for t in (data.get("meta") or {}).get("tag") or []
                    ),
                    birth_date=date.fromisoformat(data["birthDate"])
                    if data.get("birthDate")
                    else None,
                    address=" ".join(address.get("line") or []),
                    postal_code=address.get("postalCode", ""),
                    city=address.get("city", ""),
                    phone=next(
                        (
                            t["value"]
                            for t in data.get("telecom") or []
                            if t.get("system") == "phone"
                        ),
                        "",
                    ),
                    municipality=municipality,
                    gp_id=self.user_id((data.get("generalPractitioner") or [None])[0]),
                    primary_contact_id=self.user_id(
                        {
                            "reference": f"Practitioner/{_ext_value(data, codes.ext('primary-contact'))}"
                        }
                        if _ext_value(data, codes.ext("primary-contact"))
                        else None
                    ),
                    deceased_at=_dt(data.get("deceasedDateTime")),
                )
                self.count("patients")
            self.patients[data["id"]] = patient.pk
            self.controllers[patient.pk] = patient.municipality_id
            self.touched_patients.add(patient.pk)
            for extension in data.get("extension") or []:
                if extension.get("url") != codes.EXT_SERVED_BY:
                    continue
                unit = self.units[_ref_id(_sub(extension, "unit"), "Organization/") or ""]
                start = date.fromisoformat(_sub(extension, "start"))
                end = _sub(extension, "end")
                _service, created = PatientService.objects.get_or_create(
                    patient=patient,
                    unit=unit,
                    started_on=start,
                    defaults={"ended_on": date.fromisoformat(end) if end else None},
                )
                if created:
                    self.count("services")
            for contact in data.get("contact") or []:
                name = (contact.get("name") or {}).get("text", "")
                if not name or patient.next_of_kin.filter(name=name).exists():
                    continue
                NextOfKin.objects.create(
                    patient=patient,
                    name=name,
                    relation=((contact.get("relationship") or [{}])[0]).get("text", ""),
                    phone=next(
                        (
                            t["value"]
                            for t in contact.get("telecom") or []
                            if t.get("system") == "phone"
                        ),
                        "",
                    ),
                    is_primary=bool(_ext_value(contact, codes.ext("primary-next-of-kin"))),
                )
                self.count("next_of_kin")

    def stays(self) -> None:
        for _where, data in self.each("Encounter"):
            patient_id = self.patients[_ref_id(data.get("subject"), "Patient/") or ""]
            ward_code = (
                ((data.get("location") or [{}])[0].get("location") or {})
                .get("identifier", {})
                .get("value")
            )
            ward = Unit.objects.get(code=ward_code)
            admitted = _dt(data["period"]["start"])
            stay = HospitalStay.objects.filter(
                patient_id=patient_id, ward=ward, admitted_at=admitted
            ).first()
            if stay is None:
                HospitalStay.objects.create(
                    patient_id=patient_id,
                    municipality_id=self.controllers[patient_id],
                    ward=ward,
                    admitted_at=admitted,
                    discharged_at=_dt(data["period"].get("end")),
                    ready_for_discharge_at=_dt(_ext_value(data, codes.EXT_READY_FOR_DISCHARGE)),
                )
                self.count("stays")
