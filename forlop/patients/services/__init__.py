"""Writes of patient data. Each service owns its transaction and its audit row.

``registration``: a patient's registration, details and next of kin; ``service_need``: the
service decisions that every access rests on; ``stays``: hospital stays; ``emergency``: emergency
access and its review.
"""

from forlop.patients.services.emergency import (
    MIN_EMERGENCY_REASON,
    emergency_access_escalate_overdue,
    emergency_access_grant,
    emergency_access_review,
    emergency_access_take,
)
from forlop.patients.services.registration import (
    PATIENT_EDITABLE_FIELDS,
    next_of_kin_add,
    patient_create,
    patient_update,
    roles_that_register_patients,
)
from forlop.patients.services.service_need import (
    patient_service_add,
    patient_service_end,
    service_decision_role,
)
from forlop.patients.services.stays import (
    hospital_stay_admit,
    hospital_stay_discharge,
)

__all__ = [
    "MIN_EMERGENCY_REASON",
    "PATIENT_EDITABLE_FIELDS",
    "emergency_access_escalate_overdue",
    "emergency_access_grant",
    "emergency_access_review",
    "emergency_access_take",
    "hospital_stay_admit",
    "hospital_stay_discharge",
    "next_of_kin_add",
    "patient_create",
    "patient_service_add",
    "patient_service_end",
    "patient_update",
    "roles_that_register_patients",
    "service_decision_role",
]
