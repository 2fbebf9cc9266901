"""The resource types the FHIR endpoint serves: where their rows come from, who may see them,
their search parameters, and paging. The CapabilityStatement is generated from this registry,
so it lists exactly what is supported.

Patient data is reached only through the access rule for people:
``Patient.objects.visible_to(caller.user)`` (a system client's service user, see
``interop.models.SystemClient``), and single patients through
``patients.selectors.patient_get_for_user``. Every row of patient data returned is audited
(one row per patient and request, naming the client).

Split by concern: ``params`` (the caller, search parameters, the registry's types),
``directory`` (Patient, Organization, Practitioner, PlanDefinition, Questionnaire), ``care``
(the pathway's resources), ``access`` (the registry, reads, searches, audit); every name is
re-exported here.
"""

from forlop.interop.fhir.resources.access import (
    EXPORT_ORDER,
    REGISTRY,
    PatientsSeen,
    SearchResult,
    audit_reads,
    filtered,
    iterate_all,
    not_found,
    resource_read,
    resource_search,
)
from forlop.interop.fhir.resources.care import (
    CAREPLAN,
    ENCOUNTER,
    EPISODE_OF_CARE,
    GOAL,
    OBSERVATION,
    QUESTIONNAIRE_RESPONSE,
    TASK,
)
from forlop.interop.fhir.resources.directory import (
    ORGANIZATION,
    P_ID,
    P_PATIENT,
    P_UPDATED,
    PATIENT,
    PLAN_DEFINITION,
    PRACTITIONER,
    QUESTIONNAIRE,
)
from forlop.interop.fhir.resources.params import (
    DEFAULT_COUNT,
    MAX_COUNT,
    Caller,
    Filter,
    Json,
    ResourceType,
    SearchParam,
    Source,
    date_q,
    obj_version,
    parse_date_param,
    reference_id,
    token_parts,
)

__all__ = [
    "CAREPLAN",
    "DEFAULT_COUNT",
    "ENCOUNTER",
    "EPISODE_OF_CARE",
    "EXPORT_ORDER",
    "GOAL",
    "MAX_COUNT",
    "OBSERVATION",
    "ORGANIZATION",
    "PATIENT",
    "PLAN_DEFINITION",
    "PRACTITIONER",
    "P_ID",
    "P_PATIENT",
    "P_UPDATED",
    "QUESTIONNAIRE",
    "QUESTIONNAIRE_RESPONSE",
    "REGISTRY",
    "TASK",
    "Caller",
    "Filter",
    "Json",
    "PatientsSeen",
    "ResourceType",
    "SearchParam",
    "SearchResult",
    "Source",
    "audit_reads",
    "date_q",
    "filtered",
    "iterate_all",
    "not_found",
    "obj_version",
    "parse_date_param",
    "reference_id",
    "resource_read",
    "resource_search",
    "token_parts",
]
