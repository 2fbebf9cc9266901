"""Explicit mappers from Forløp's rows to FHIR R4 JSON (house style rule 10).

One function per resource, ``<thing>_to_fhir(obj, ...) -> dict``. They read only the object
and the relations the caller has already loaded (``resources`` gives each type a
queryset with ``select_related``/``prefetch_related``), never the clock: a mapper that needs
a derived status takes ``now``.

Logical ids are primary keys, never identity numbers; where two kinds of row share one FHIR
type the id has a prefix (``Organization/org-3`` and ``Organization/unit-7``,
``Questionnaire/sp-12`` for a checklist and ``Questionnaire/wm-1`` for a "what matters"
form). Everything Forløp holds that FHIR has no element for travels in an extension under
``codes.FORLOP``, so templates survive a round trip.

Split by concern: ``common`` (helpers, references), ``directory`` (Patient, Organization,
Practitioner), ``templates`` (PlanDefinition, Questionnaire), ``pathway`` (CarePlan,
EpisodeOfCare, Encounter, Task), ``answers`` (QuestionnaireResponse, Goal, Observation);
every name is re-exported here.
"""

from forlop.interop.fhir.mappers.answers import (
    checklist_response_to_fhir,
    goal_to_fhir,
    score_to_fhir,
    scoring_to_fhir,
)
from forlop.interop.fhir.mappers.common import (
    Json,
    instant,
    organisation_ref,
    patient_ref,
    plan_canonical,
    practitioner_ref,
    questionnaire_canonical,
    questionnaire_url,
    unit_ref,
    what_matters_url,
)
from forlop.interop.fhir.mappers.directory import (
    organisation_to_fhir,
    patient_identifier,
    patient_to_fhir,
    practitioner_to_fhir,
    unit_to_fhir,
)
from forlop.interop.fhir.mappers.pathway import (
    careplan_to_fhir,
    due_window,
    encounter_to_fhir,
    episode_of_care_to_fhir,
    pathway_milestones,
    responsible_for,
    stop_point_state,
    stop_point_status,
    task_status,
    task_to_fhir,
)
from forlop.interop.fhir.mappers.templates import (
    action_to_fhir,
    checklist_item_to_fhir,
    plan_definition_to_fhir,
    questionnaire_to_fhir,
    what_matters_questionnaire_to_fhir,
)

__all__ = [
    "Json",
    "action_to_fhir",
    "careplan_to_fhir",
    "checklist_item_to_fhir",
    "checklist_response_to_fhir",
    "due_window",
    "encounter_to_fhir",
    "episode_of_care_to_fhir",
    "goal_to_fhir",
    "instant",
    "organisation_ref",
    "organisation_to_fhir",
    "pathway_milestones",
    "patient_identifier",
    "patient_ref",
    "patient_to_fhir",
    "plan_canonical",
    "plan_definition_to_fhir",
    "practitioner_ref",
    "practitioner_to_fhir",
    "questionnaire_canonical",
    "questionnaire_to_fhir",
    "questionnaire_url",
    "responsible_for",
    "score_to_fhir",
    "scoring_to_fhir",
    "stop_point_state",
    "stop_point_status",
    "task_status",
    "task_to_fhir",
    "unit_ref",
    "unit_to_fhir",
    "what_matters_questionnaire_to_fhir",
    "what_matters_url",
]
