"""Templates travel: a template version as PlanDefinition + Questionnaires, and back.

``template_bundle`` exports one version as a collection Bundle; ``template_version_from_fhir``
reads a PlanDefinition (with the Questionnaires its actions point at) back into a template
version with its stop points, owners (responsible role, chain actor), deadlines, windows,
triggers and checklist items. Everything Forløp needs travels in the extensions of
``mappers.action_to_fhir`` and ``mappers.checklist_item_to_fhir``, so the round trip is exact.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Organisation, User
from forlop.interop.fhir import codes, mappers
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.validate import check_code
from forlop.pathways import models as pm

Json = dict[str, Any]


def template_bundle(*, version: pm.TemplateVersion, base: str) -> Json:
    """One template version as a collection Bundle: the PlanDefinition, then its checklists."""
    version = (
        pm.TemplateVersion.objects.select_related("template__organisation")
        .prefetch_related("definitions__items", "definitions__version__template")
        .get(pk=version.pk)
    )
    resources = [mappers.plan_definition_to_fhir(version)] + [
        mappers.questionnaire_to_fhir(d) for d in version.definitions.all()
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }


def _sub(extension: Json | None, name: str) -> Any:
    for part in (extension or {}).get("extension") or []:
        if part.get("url") == name:
            return next((v for k, v in part.items() if k.startswith("value")), None)
    return None


def _subs(extension: Json | None, name: str) -> list[Any]:
    return [
        next((v for k, v in part.items() if k.startswith("value")), None)
        for part in (extension or {}).get("extension") or []
        if part.get("url") == name
    ]


def _ext(resource: Json, url: str) -> Json | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def _code(value: Any) -> str:
    return str((value or {}).get("code", "")) if isinstance(value, dict) else str(value or "")


def definition_fields(action: Json, path: str) -> dict[str, Any]:
    """The stop-point fields an action carries (its codes checked against Forløp's)."""
    deadline = _ext(action, codes.EXT_DEADLINE)
    window = _ext(action, codes.EXT_WINDOW)
    trigger = _ext(action, codes.EXT_TRIGGER)
    participants = action.get("participant") or [{}]
    role = _code((participants[0].get("role") or {}).get("coding", [{}])[0])
    source = _ext(action, codes.EXT_DEADLINE_SOURCE)
    parts = []
    for index, participant in enumerate(participants[1:], start=1):
        part_role = _code((participant.get("role") or {}).get("coding", [{}])[0])
        title = next(
            (
                e.get("valueString", "")
                for e in participant.get("extension") or []
                if e.get("url") == codes.EXT_PART
            ),
            "",
        )
        parts.append(
            {
                "role": check_code(part_role, codes.ROLES, f"{path}.participant[{index}].role"),
                "title": str(title),
            }
        )
    fields: dict[str, Any] = {
        "code": str(action.get("id", "")),
        "title": action.get("title", ""),
        "description": action.get("description", ""),
        "responsible_role": check_code(role, codes.ROLES, f"{path}.participant[0].role"),
        "actor": check_code(
            _code((_ext(action, codes.EXT_ACTOR) or {}).get("valueCoding")),
            codes.ACTORS,
            f"{path}.extension",
        ),
        "anchor": check_code(
            _code((_ext(action, codes.EXT_ANCHOR) or {}).get("valueCoding")),
            codes.ANCHORS,
            f"{path}.extension",
        ),
        "trigger": check_code(_code(_sub(trigger, "type")), codes.TRIGGERS, f"{path}.extension"),
        "trigger_events": [
            check_code(_code(e), codes.EVENTS, f"{path}.extension") for e in _subs(trigger, "event")
        ],
        "after_code": str(_sub(trigger, "after") or ""),
        "deadline_amount": int(_sub(deadline, "amount") or 0),
        "deadline_unit": check_code(
            _code(_sub(deadline, "unit")), codes.DEADLINE_UNITS, f"{path}.extension"
        ),
        "window_amount": int(_sub(window, "amount")) if window else None,
        "window_unit": check_code(
            _code(_sub(window, "unit")), codes.DEADLINE_UNITS, f"{path}.extension"
        )
        if window
        else "",
        "repeats": bool((_ext(action, codes.EXT_REPEATS) or {}).get("valueBoolean", False)),
        "in_chain": bool((_ext(action, codes.EXT_IN_CHAIN) or {}).get("valueBoolean", True)),
        "main_checklist": bool(
            (_ext(action, codes.EXT_MAIN_CHECKLIST) or {}).get("valueBoolean", False)
        ),
        "parts": parts,
        "deadline_source": str(_sub(source, "source") or ""),
        "deadline_local_default": bool(_sub(source, "localDefault") or False),
    }
    if not fields["code"]:
        raise FhirError.one(
            422, "required", "A stop point needs its code (action.id).", f"{path}.id"
        )
    return fields


_KINDS = {
    "boolean": pm.ChecklistItem.Kind.YES_NO,
    "text": pm.ChecklistItem.Kind.TEXT,
    "string": pm.ChecklistItem.Kind.TEXT,
    "decimal": pm.ChecklistItem.Kind.NUMBER,
    "integer": pm.ChecklistItem.Kind.NUMBER,
    "date": pm.ChecklistItem.Kind.DATE,
}


def item_fields(item: Json) -> dict[str, Any]:
    details = _ext(item, codes.EXT_ITEM)
    kind = _sub(details, "kind")
    if kind is None:
        kind = _KINDS.get(item.get("type", ""))
        if item.get("type") == "choice":
            kind = (
                pm.ChecklistItem.Kind.MULTIPLE_CHOICE
                if item.get("repeats")
                else pm.ChecklistItem.Kind.SINGLE_CHOICE
            )
    choices: list[Any] = []
    for option in item.get("answerOption") or []:
        coding = option.get("valueCoding") or {}
        if "display" in coding and coding.get("display") != coding.get("code"):
            choices.append({"value": coding.get("code"), "label": coding.get("display")})
        else:
            choices.append(coding.get("code") or option.get("valueString"))
    return {
        "key": item["linkId"],
        "text": item.get("text", ""),
        "kind": kind or pm.ChecklistItem.Kind.TEXT,
        "required": bool(item.get("required", False)),
        "allow_not_relevant": bool(
            _sub(details, "allowNotRelevant")
            if _sub(details, "allowNotRelevant") is not None
            else True
        ),
        "carry_to_care_plan": bool(_sub(details, "carryToCarePlan") or False),
        "domain": _code(_sub(details, "domain")),
        "number_unit": str(_sub(details, "unit") or ""),
        "guidance": str(_sub(details, "guidance") or ""),
        "choices": choices,
        "part": _code(_sub(details, "part")),
        "local_default": bool(_sub(details, "localDefault") or False),
    }


def template_version_from_fhir(
    *, plan: Json, questionnaires: dict[str, Json], template_code: str
) -> pm.TemplateVersion:
    """Create a template version from a PlanDefinition (a restore; published stays published).

    This is the restore path of ``forlop import_fhir`` (the exact version number and state,
    national defaults included); a municipality taking over a template uses
    ``template_import``, which goes through the authoring services.
    """
    with transaction.atomic():
        template = pm.PathwayTemplate.objects.filter(code=template_code).first()
        if template is None:
            template = pm.PathwayTemplate.objects.create(
                code=template_code,
                name=plan.get("title", template_code),
                description=plan.get("description", ""),
                national_default=False,
            )
        published = plan.get("status") == "active"
        version = pm.TemplateVersion.objects.create(
            template=template,
            number=int(plan["version"]),
            status=pm.TemplateVersion.Status.PUBLISHED
            if published
            else pm.TemplateVersion.Status.DRAFT,
            published_at=datetime.fromisoformat(plan["date"])
            if published and plan.get("date")
            else (timezone.now() if published else None),
            notes=plan.get("purpose", ""),
        )
        for order, action in enumerate(plan.get("action") or [], start=1):
            path = f"PlanDefinition.action[{order - 1}]"
            definition = pm.StopPointDefinition.objects.create(
                version=version, order=order * 10, **definition_fields(action, path)
            )
            questionnaire = questionnaires.get(str(action.get("definitionCanonical", "")))
            for item_order, item in enumerate((questionnaire or {}).get("item") or [], start=1):
                pm.ChecklistItem.objects.create(
                    definition=definition, order=item_order * 10, **item_fields(item)
                )
    return version


def template_import(
    *,
    actor: User,
    organisation: Organisation,
    plan: Json,
    questionnaires: dict[str, Json],
    code: str,
    name: str = "",
) -> pm.PathwayTemplate:
    """Import a template from another installation or municipality as ``organisation``'s own.

    Through the authoring services: every stop point and item goes through
    ``definition_create`` / ``item_create`` (the same checks as the editor: the pure rules,
    unique codes, valid items) and the version is published with ``version_publish`` when the
    PlanDefinition is active. Authoring has no "new empty template" service (templates start
    as copies), so the template row and its draft version 1 are made here, with their audit row.
    """
    from forlop.authoring import services as authoring
    from forlop.authoring.selectors import organisations_editable_by

    if not organisations_editable_by(user=actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(gettext("You may not add pathway templates for this organisation."))
    with transaction.atomic():
        if pm.PathwayTemplate.objects.filter(code=code).exists():
            raise ValidationError(
                {"code": gettext("A template with this code already exists.")},
                code="duplicate_code",
            )
        template = pm.PathwayTemplate(
            code=code,
            name=name or plan.get("title", code),
            description=plan.get("description", ""),
            organisation=organisation,
            national_default=False,
        )
        template.full_clean()
        template.save()
        version = pm.TemplateVersion.objects.create(
            template=template, number=1, status=pm.TemplateVersion.Status.DRAFT
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.TEMPLATE_COPIED,
            target=template,
            data={
                "imported_from": f"{plan.get('url', '')}|{plan.get('version', '')}",
                "version": version.pk,
            },
        )
        for order, action in enumerate(plan.get("action") or [], start=1):
            path = f"PlanDefinition.action[{order - 1}]"
            fields = definition_fields(action, path)
            fields["chain_actor"] = fields.pop("actor")
            definition = authoring.definition_create(
                actor=actor, version=version, order=order * 10, **fields
            )
            questionnaire = questionnaires.get(str(action.get("definitionCanonical", "")))
            for item_order, item in enumerate((questionnaire or {}).get("item") or [], start=1):
                authoring.item_create(
                    actor=actor, definition=definition, order=item_order * 10, **item_fields(item)
                )
        if plan.get("status") == "active":
            authoring.version_publish(actor=actor, version=version, notes=plan.get("purpose", ""))
    return template
