"""Templates travel: a template version as PlanDefinition + Questionnaires, and back.

``template_bundle`` exports one version as a collection Bundle; ``template_file_read`` reads
such a file back (every resource validated, the checklists the actions point at present);
``template_import_check`` is the import as a dry run (a preview that cannot save anything);
``template_import`` takes it over as an organisation's own; ``template_version_from_fhir``
reads a PlanDefinition (with the Questionnaires its actions point at) back into a template
version with its stop points, owners (responsible role, chain actor), deadlines, windows,
triggers and checklist items. Everything Forløp needs travels in the extensions of
``mappers.action_to_fhir`` and ``mappers.checklist_item_to_fhir``, so the round trip is exact.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Organisation, User
from forlop.interop.fhir import codes, mappers
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.validate import (
    check_code,
    validate_resource,
    validate_structure,
)
from forlop.pathways import models as pm

Json = dict[str, Any]


def template_version_for_export(
    *, template: pm.PathwayTemplate, number: int | None = None
) -> pm.TemplateVersion | None:
    """The version a template exports: ``number``, or the latest published, or the latest."""
    versions = template.versions.order_by("-number")
    if number is not None:
        return versions.filter(number=number).first()
    return versions.filter(status=pm.TemplateVersion.Status.PUBLISHED).first() or versions.first()


def template_bundle(*, version: pm.TemplateVersion, base: str) -> Json:
    """One template version as a collection Bundle: the PlanDefinition, then its checklists.

    Every resource is validated on the way out (as on the way in), so a file Forløp writes
    is a file Forløp and any R4 reader accepts."""
    version = (
        pm.TemplateVersion.objects.select_related("template__organisation")
        .prefetch_related("definitions__items", "definitions__version__template")
        .get(pk=version.pk)
    )
    resources = [mappers.plan_definition_to_fhir(version)] + [
        mappers.questionnaire_to_fhir(d) for d in version.definitions.all()
    ]
    for resource in resources:
        validate_resource(resource)
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(),
        "entry": [
            {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
    validate_structure(bundle, expected_type="Bundle")
    return bundle


@dataclass(frozen=True)
class TemplateFile:
    """A template file as read: its PlanDefinition and Questionnaires (by ``url|version``)."""

    plan: Json
    questionnaires: dict[str, Json]
    digest: str  # SHA-256 of the file, to tie a confirmation to the file previewed

    @property
    def code(self) -> str:
        """The template's code in the installation it came from."""
        for identifier in self.plan.get("identifier") or []:
            if identifier.get("system") == f"{codes.FORLOP}/NamingSystem/template":
                return str(identifier.get("value") or "")
        return str(self.plan.get("url") or "").rsplit("/", 1)[-1]


def template_file_read(content: bytes) -> TemplateFile:
    """Read a template file (a Bundle from ``template_bundle``), or raise ``FhirError``.

    The Bundle and every resource in it are validated (fhir.resources R4B, identifiers); it
    must hold exactly one PlanDefinition and nothing but Questionnaires besides, and every
    checklist an action points at must be in the file. Nothing is written."""
    try:
        data = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FhirError.one(400, "structure", _("The file is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise FhirError.one(400, "structure", _("The file is not a FHIR resource."))
    validate_structure(data, expected_type="Bundle")
    plans: list[Json] = []
    questionnaires: dict[str, Json] = {}
    for index, entry in enumerate(data.get("entry") or []):
        path = f"Bundle.entry[{index}].resource"
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            raise FhirError.one(422, "required", _("The entry has no resource."), path)
        try:
            resource_type = validate_resource(resource)
        except FhirError as exc:
            raise exc.at(f"Bundle.entry[{index}]") from None
        if resource_type == "PlanDefinition":
            plans.append(resource)
        elif resource_type == "Questionnaire":
            questionnaires[f"{resource.get('url', '')}|{resource.get('version', '')}"] = resource
        else:
            raise FhirError.one(
                422,
                "not-supported",
                _("A template file holds a PlanDefinition and its Questionnaires only."),
                f"{path}.resourceType",
            )
    if len(plans) != 1:
        raise FhirError.one(
            422,
            "required",
            _("A template file holds exactly one PlanDefinition (this one has %(count)s)."),
            "Bundle.entry",
            count=len(plans),
        )
    plan = plans[0]
    for index, action in enumerate(plan.get("action") or []):
        canonical = action.get("definitionCanonical")
        if canonical and str(canonical) not in questionnaires:
            raise FhirError.one(
                422,
                "not-found",
                _("The checklist this stop point points at is not in the file."),
                f"PlanDefinition.action[{index}].definitionCanonical",
            )
    return TemplateFile(
        plan=plan, questionnaires=questionnaires, digest=hashlib.sha256(content).hexdigest()
    )


def template_code_suggest(code: str, organisation: Organisation) -> str:
    """The template's own code when it is free here, else one with the organisation's."""
    base = code or "template"
    candidates = [base, f"{base}-{organisation.code}"[:60]]
    candidates += [f"{base}-{organisation.code}-{n}"[:60] for n in range(2, 50)]
    taken = set(
        pm.PathwayTemplate.objects.filter(code__in=candidates).values_list("code", flat=True)
    )
    return next((c for c in candidates if c not in taken), base)


@dataclass(frozen=True)
class PreviewStopPoint:
    code: str
    title: str
    deadline: str
    responsible: str
    parts: list[str]
    items: int


class _DryRunDoneError(Exception):
    def __init__(self, stop_points: list[PreviewStopPoint]) -> None:
        self.stop_points = stop_points


def template_import_check(
    *, actor: User, organisation: Organisation, file: TemplateFile, code: str, name: str = ""
) -> list[PreviewStopPoint]:
    """The import as a dry run: the same services and checks, rolled back; the stop points
    the import would create. Raises what ``template_import`` raises; saves nothing."""
    from forlop.authoring.cards import deadline_in_words
    from forlop.core.models import Role

    try:
        with transaction.atomic():
            template = template_import(
                actor=actor,
                organisation=organisation,
                plan=file.plan,
                questionnaires=file.questionnaires,
                code=code,
                name=name,
            )
            version = template.versions.get()
            stop_points = [
                PreviewStopPoint(
                    code=d.code,
                    title=d.title,
                    deadline=deadline_in_words(d),
                    responsible=str(d.get_responsible_role_display()),
                    parts=[
                        f"{Role(role).label} ({title})" if title else str(Role(role).label)
                        for role, title in d.part_specs
                    ],
                    items=d.items.count(),
                )
                for d in version.definitions.order_by("order", "pk")
            ]
            raise _DryRunDoneError(stop_points)
    except _DryRunDoneError as done:
        return done.stop_points


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
        # A file from before the setting existed shows the code, as the stop points then did
        "show_code": bool((_ext(action, codes.EXT_SHOW_CODE) or {}).get("valueBoolean", True)),
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


def _decimal(extension: Json | None) -> Decimal | None:
    """A range limit (``valueDecimal``), read through its text so 71.5 stays 71.5."""
    if not extension or extension.get("valueDecimal") is None:
        return None
    return Decimal(str(extension["valueDecimal"]))


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
        "number_min": _decimal(_ext(item, codes.EXT_MIN_VALUE)),
        "number_max": _decimal(_ext(item, codes.EXT_MAX_VALUE)),
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
    try:
        return _template_import(
            actor=actor,
            organisation=organisation,
            plan=plan,
            questionnaires=questionnaires,
            code=code,
            name=name,
            authoring=authoring,
        )
    except (TypeError, ValueError, KeyError, AttributeError, IndexError):
        # A value of the wrong shape in an extension (a text where a number belongs): the
        # structure passed R4, Forløp's reading of it did not. Refused, never a 500.
        raise FhirError.one(
            422, "invalid", _("The template file has a value Forløp cannot read."), "PlanDefinition"
        ) from None


def _template_import(
    *,
    actor: User,
    organisation: Organisation,
    plan: Json,
    questionnaires: dict[str, Json],
    code: str,
    name: str,
    authoring: Any,
) -> pm.PathwayTemplate:
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
