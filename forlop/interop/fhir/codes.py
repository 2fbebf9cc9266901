"""Identifier systems, code systems and the codes we rely on.

The OIDs are the HL7 Norway no-basis NamingSystems (shared/domain/identifiers-and-messages.md
section 4). Forløp's own systems live under ``FORLOP``: a stable URI base for the codes and
extensions only Forløp defines (stop-point codes, anchors, milestones). fhir.resources does
not check coded values, so every code we read is checked against the sets here.
"""

from __future__ import annotations

from typing import Final

from forlop.core.models import Role
from forlop.pathways.models import (
    AnchorChoices,
    ChainActor,
    DeadlineUnitChoices,
    EventKindChoices,
    TriggerChoices,
)

FHIR_VERSION: Final = "4.0.1"
FHIR_JSON: Final = "application/fhir+json"

# --- HL7 Norway no-basis identifier systems -------------------------------------------------
OID_FNR: Final = "urn:oid:2.16.578.1.12.4.1.4.1"
OID_DNR: Final = "urn:oid:2.16.578.1.12.4.1.4.2"
OID_FHN: Final = "urn:oid:2.16.578.1.12.4.1.4.3"
OID_HPR: Final = "urn:oid:2.16.578.1.12.4.1.4.4"
OID_ENH: Final = "urn:oid:2.16.578.1.12.4.1.4.101"
OID_RESH: Final = "urn:oid:2.16.578.1.12.4.1.4.102"
OID_HER: Final = "urn:oid:2.16.578.1.12.4.1.2"
OID_MUNICIPALITY: Final = "urn:oid:2.16.578.1.12.4.1.1.3402"
# An H-number has no national system: no-basis slices it by the type code HNR (Volven 8327)
# and requires an assigner.
SYSTEM_HNR_TYPE: Final = "urn:oid:2.16.578.1.12.4.1.1.8327"
HNR_TYPE_CODE: Final = "HNR"

PERSON_SYSTEMS: Final = {
    "fnr": OID_FNR,
    "dnr": OID_DNR,
    "fhn": OID_FHN,
}

NO_BASIS_PATIENT: Final = "http://hl7.no/fhir/StructureDefinition/no-basis-Patient"
NO_BASIS_ORGANIZATION: Final = "http://hl7.no/fhir/StructureDefinition/no-basis-Organization"
NO_BASIS_PRACTITIONER: Final = "http://hl7.no/fhir/StructureDefinition/no-basis-Practitioner"

# --- Forløp's own systems ---------------------------------------------------------------------
FORLOP: Final = "https://fhir.forlop.no"
SYSTEM_UNIT: Final = f"{FORLOP}/NamingSystem/unit"
SYSTEM_ORG_CODE: Final = f"{FORLOP}/NamingSystem/organisation"
SYSTEM_USERNAME: Final = f"{FORLOP}/NamingSystem/user"
SYSTEM_PATHWAY: Final = f"{FORLOP}/NamingSystem/pathway"
SYSTEM_STOP_POINT: Final = f"{FORLOP}/NamingSystem/stop-point"
SYSTEM_GOAL: Final = f"{FORLOP}/NamingSystem/goal"
SYSTEM_SCORING: Final = f"{FORLOP}/NamingSystem/scoring"
SYSTEM_STAY: Final = f"{FORLOP}/NamingSystem/hospital-stay"
CS_STOP_POINT: Final = f"{FORLOP}/CodeSystem/stop-point"
CS_ROLE: Final = f"{FORLOP}/CodeSystem/role"
CS_ACTOR: Final = f"{FORLOP}/CodeSystem/chain-actor"
CS_ANCHOR: Final = f"{FORLOP}/CodeSystem/anchor"
CS_TRIGGER: Final = f"{FORLOP}/CodeSystem/trigger"
CS_EVENT: Final = f"{FORLOP}/CodeSystem/event"
CS_STATUS: Final = f"{FORLOP}/CodeSystem/stop-point-status"
CS_MILESTONE: Final = f"{FORLOP}/CodeSystem/pathway-milestone"
CS_START_REASON: Final = f"{FORLOP}/CodeSystem/start-reason"
CS_ANSWERED_BY: Final = f"{FORLOP}/CodeSystem/answered-by"
CS_GOAL_STATUS: Final = f"{FORLOP}/CodeSystem/goal-status"
CS_OBSERVATION: Final = f"{FORLOP}/CodeSystem/observation"
CS_ITEM_KIND: Final = f"{FORLOP}/CodeSystem/checklist-item-kind"
CS_DOMAIN: Final = f"{FORLOP}/CodeSystem/assessment-domain"
CS_ORG_KIND: Final = f"{FORLOP}/CodeSystem/organisation-kind"
CS_DEADLINE_UNIT: Final = f"{FORLOP}/CodeSystem/deadline-unit"
CS_SEARCH_PARAM: Final = f"{FORLOP}/SearchParameter"

CANONICAL_PLAN: Final = f"{FORLOP}/PlanDefinition"
CANONICAL_QUESTIONNAIRE: Final = f"{FORLOP}/Questionnaire"


def ext(name: str) -> str:
    """The URL of one of Forløp's extensions."""
    return f"{FORLOP}/StructureDefinition/{name}"


EXT_MILESTONE: Final = ext("pathway-milestone")
EXT_READY_FOR_DISCHARGE: Final = ext("ready-for-discharge")
EXT_PLANNED_DISCHARGE: Final = ext("planned-discharge")
EXT_ANCHOR: Final = ext("stop-point-anchor")
EXT_DEADLINE: Final = ext("stop-point-deadline")
EXT_WINDOW: Final = ext("stop-point-window")
EXT_REPEATS: Final = ext("stop-point-repeats")
EXT_IN_CHAIN: Final = ext("stop-point-in-chain")
EXT_MAIN_CHECKLIST: Final = ext("stop-point-main-checklist")
EXT_SHOW_CODE: Final = ext("stop-point-show-code")
# FHIR core extensions for a number question's range (issue 10: plausible numbers)
EXT_MIN_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/minValue"
EXT_MAX_VALUE: Final = "http://hl7.org/fhir/StructureDefinition/maxValue"
EXT_DEADLINE_SOURCE: Final = ext("stop-point-deadline-source")
EXT_PART: Final = ext("stop-point-part")
EXT_ACTOR: Final = ext("stop-point-actor")
EXT_TRIGGER: Final = ext("stop-point-trigger")
EXT_ITEM: Final = ext("checklist-item")
EXT_ANSWERED_BY: Final = ext("answered-by")
EXT_NOT_RELEVANT: Final = ext("not-relevant-reason")
EXT_START_REASON: Final = ext("start-reason")
EXT_END_REASON: Final = ext("end-reason")
EXT_STATUS: Final = ext("stop-point-status")
EXT_STOP_POINT_RECORD: Final = ext("stop-point-record")
EXT_ANSWERED: Final = ext("answered")
EXT_SERVED_BY: Final = ext("served-by")

UCUM: Final = "http://unitsofmeasure.org"
SNOMED: Final = "http://snomed.info/sct"
V3_ACT_CODE: Final = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
OBS_CATEGORY: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
ISSUE_TYPE: Final = "http://hl7.org/fhir/issue-type"

# --- Codes we read (fhir.resources does not check them) -------------------------------------
ROLES: Final = frozenset(Role.values)
ACTORS: Final = frozenset(ChainActor.values)
ANCHORS: Final = frozenset(AnchorChoices.values)
TRIGGERS: Final = frozenset(TriggerChoices.values)
EVENTS: Final = frozenset(EventKindChoices.values)
DEADLINE_UNITS: Final = frozenset(DeadlineUnitChoices.values)

#: Task.status values Forløp writes and accepts (R4 TaskStatus, the subset that applies).
TASK_STATUSES: Final = frozenset(
    {"requested", "ready", "in-progress", "completed", "cancelled", "entered-in-error"}
)
QR_STATUSES: Final = frozenset({"in-progress", "completed", "amended", "entered-in-error"})
ENCOUNTER_STATUSES: Final = frozenset(
    {"planned", "arrived", "in-progress", "onleave", "finished", "cancelled"}
)
BUNDLE_TYPES_ACCEPTED: Final = frozenset({"transaction", "batch"})

#: Deadline units as UCUM units in Duration (working days have no UCUM unit: extension).
UNIT_TO_UCUM: Final = {"hours": "h", "calendar_days": "d", "working_days": "d", "months": "mo"}

#: Milestones of a pathway's timeline (EpisodeOfCare extension). Today Forløp stores
#: started, discharged and arrived home; issue 9 adds ready-for-discharge with the planned
#: discharge, an optional short stay, and corrections.
MILESTONES: Final = (
    "started",
    "ready-for-discharge",
    "planned-discharge",
    "discharged",
    "short-stay-start",
    "short-stay-end",
    "arrived-home",
    "ended",
)
