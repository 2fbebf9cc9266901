"""Writes of pathway templates: copy a template, draft a version, edit it, publish it.

Published versions never change. Every edit service refuses a published version with a
``ValidationError`` whose code is ``TemplateErrorCode.PUBLISHED``; to change a template, make a
draft (``version_draft_create``), edit it and publish it. Running pathways keep the version they
started on until they are moved explicitly (``authoring.migrate``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext

from forlop.authoring.error_codes import TemplateErrorCode as Code
from forlop.authoring.fields import DEFINITION_FIELDS, ITEM_FIELDS
from forlop.authoring.selectors import (
    organisations_editable_by,
    template_can_edit,
    version_definitions,
    version_latest,
)
from forlop.authoring.validation import definitions_validate, rule_error
from forlop.core.audit import audit_record
from forlop.core.changes import changes_apply, jsonable
from forlop.core.models import AuditVerb, Organisation, Role, User
from forlop.pathways import checklists, rules
from forlop.pathways.models import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)


def ensure_can_edit(actor: User, template: PathwayTemplate) -> None:
    if not template_can_edit(user=actor, template=template):
        raise PermissionDenied(gettext("You may not edit this pathway template."))


def _ensure_draft(version: TemplateVersion) -> None:
    if version.status != TemplateVersion.Status.DRAFT:
        raise ValidationError(
            gettext(
                "Version %(number)s is published and can no longer change. Start a new draft "
                "to make changes."
            )
            % {"number": version.number},
            code=Code.PUBLISHED,
        )


def _copy_content(*, source: TemplateVersion, target: TemplateVersion) -> None:
    for definition in version_definitions(version=source):
        copy = StopPointDefinition.objects.create(
            version=target, **{name: getattr(definition, name) for name in DEFINITION_FIELDS}
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(definition=copy, **{name: getattr(item, name) for name in ITEM_FIELDS})
            for item in definition.items.all()
        )


def template_copy(
    *,
    actor: User,
    template: PathwayTemplate,
    organisation: Organisation,
    name: str,
    code: str,
) -> PathwayTemplate:
    """A municipality's own copy of ``template``, with a draft version 1 holding the content of
    the latest published version."""
    if not organisations_editable_by(user=actor).filter(pk=organisation.pk).exists():
        raise PermissionDenied(gettext("You may not add pathway templates for this organisation."))
    with transaction.atomic():
        source = version_latest(template=template, published_only=True)
        if source is None:
            raise ValidationError(
                gettext("The template has no published version to copy."), code=Code.NO_PUBLISHED
            )
        if PathwayTemplate.objects.filter(code=code).exists():
            raise ValidationError(
                {"code": gettext("A template with this code already exists.")},
                code=Code.DUPLICATE_CODE,
            )
        copy = PathwayTemplate(
            name=name,
            code=code,
            description=template.description,
            organisation=organisation,
            national_default=False,
            copied_from=template,
        )
        copy.full_clean()
        copy.save()
        version = TemplateVersion.objects.create(
            template=copy,
            number=1,
            status=TemplateVersion.Status.DRAFT,
            notes=gettext("Copied from %(name)s version %(number)s.")
            % {"name": template.name, "number": source.number},
        )
        _copy_content(source=source, target=version)
        audit_record(
            actor=actor,
            verb=AuditVerb.TEMPLATE_COPIED,
            target=copy,
            data={"from_template": template.pk, "from_version": source.pk, "version": version.pk},
        )
    return copy


def version_draft_create(*, actor: User, template: PathwayTemplate) -> TemplateVersion:
    """A new draft version copying the latest version. Only one draft at a time."""
    ensure_can_edit(actor, template)
    with transaction.atomic():
        # Lock the template row so two simultaneous requests cannot both create a draft.
        PathwayTemplate.objects.select_for_update().get(pk=template.pk)
        latest = version_latest(template=template)
        if latest is not None and latest.status == TemplateVersion.Status.DRAFT:
            raise ValidationError(
                gettext("Version %(number)s is already a draft. Publish or edit it first.")
                % {"number": latest.number},
                code=Code.DRAFT_EXISTS,
            )
        version = TemplateVersion.objects.create(
            template=template,
            number=(latest.number + 1) if latest is not None else 1,
            status=TemplateVersion.Status.DRAFT,
        )
        if latest is not None:
            _copy_content(source=latest, target=version)
        audit_record(
            actor=actor,
            verb=AuditVerb.TEMPLATE_VERSION_DRAFTED,
            target=version,
            data={"template": template.pk, "number": version.number},
        )
    return version


def version_publish(*, actor: User, version: TemplateVersion, notes: str = "") -> TemplateVersion:
    """Publish a draft after validating every definition with the pure rules."""
    ensure_can_edit(actor, version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        _ensure_draft(version)
        definitions = list(version_definitions(version=version))
        if not definitions:
            raise ValidationError(
                gettext("A version needs at least one stop point."), code=Code.EMPTY_VERSION
            )
        try:
            definitions_validate(definitions)
        except rules.RuleError as exc:
            raise rule_error(exc) from exc
        for definition in definitions:
            for item in definition.items.all():
                _item_check(item)
        version.status = TemplateVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor
        version.notes = notes
        version.full_clean()
        version.save(
            update_fields=["status", "published_at", "published_by", "notes", "updated_at"]
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.TEMPLATE_VERSION_PUBLISHED,
            target=version,
            data={"template": version.template_id, "number": version.number, "notes": notes},
        )
    return version


# --------------------------------------------------------------------------------------------
# Editing a draft
# --------------------------------------------------------------------------------------------

# The model field ``actor`` (the lane in the collaboration chain) would clash with the services'
# ``actor`` argument (the user), so the services take it as ``chain_actor``.
EDITABLE_DEFINITION_FIELDS: frozenset[str] = frozenset(
    {*DEFINITION_FIELDS, "chain_actor"} - {"actor"}
)
EDITABLE_ITEM_FIELDS: frozenset[str] = frozenset(ITEM_FIELDS)


def _check_fields(fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {', '.join(unknown)}")


def _definition_fields(fields: dict[str, Any]) -> dict[str, Any]:
    _check_fields(fields, EDITABLE_DEFINITION_FIELDS)
    fields = dict(fields)
    if "chain_actor" in fields:
        fields["actor"] = fields.pop("chain_actor")
    return fields


def _parts_check(definition: StopPointDefinition) -> None:
    """Parts are a list of {role, title} with known roles and titles; no question may be in a
    part the stop point does not have."""
    parts = definition.parts
    roles = {value for value, _label in Role.choices}
    if not isinstance(parts, list) or any(
        not isinstance(p, dict) or p.get("role") not in roles or not str(p.get("title", "")).strip()
        for p in parts
    ):
        raise ValidationError(
            {"parts": gettext("Each part needs a role and a title.")}, code=Code.INVALID_DEFINITION
        )
    if definition.pk is not None:
        part_roles = {role for role, _title in definition.part_specs}
        orphans = (
            ChecklistItem.objects.filter(definition_id=definition.pk)
            .exclude(part="")
            .exclude(part__in=part_roles)
            .values_list("key", flat=True)
        )
        if orphans:
            raise ValidationError(
                {
                    "parts": gettext(
                        "These questions are in a part the stop point no longer has: %(keys)s."
                    )
                    % {"keys": ", ".join(orphans)}
                },
                code=Code.INVALID_DEFINITION,
            )


def _definition_check(definition: StopPointDefinition, siblings: list[StopPointDefinition]) -> None:
    """Model validation, then the pure rules for this definition and the version as a whole."""
    definition.full_clean(exclude=["version"], validate_constraints=False)
    _parts_check(definition)
    if any(other.code == definition.code for other in siblings if other.pk != definition.pk):
        raise ValidationError(
            {
                "code": gettext("Another stop point in this version has the code %(code)s.")
                % {"code": definition.code}
            },
            code=Code.DUPLICATE_CODE,
        )
    try:
        definitions_validate(
            [definition if other.pk == definition.pk else other for other in siblings]
            + ([definition] if definition.pk is None else [])
        )
    except rules.RuleError as exc:
        raise rule_error(exc) from exc


def _edited(*, actor: User, version: TemplateVersion, action: str, data: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        verb=AuditVerb.TEMPLATE_EDITED,
        target=version,
        data={"action": action, **data},
    )


def definition_create(
    *, actor: User, version: TemplateVersion, **fields: Any
) -> StopPointDefinition:
    """Add a stop point to a draft (``chain_actor`` sets the model field ``actor``)."""
    fields = _definition_fields(fields)
    ensure_can_edit(actor, version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        _ensure_draft(version)
        definition = StopPointDefinition(version=version, **fields)
        _definition_check(definition, list(version.definitions.all()))
        definition.save()
        _edited(
            actor=actor,
            version=version,
            action="definition_created",
            data={"definition": definition.pk, "code": definition.code},
        )
    return definition


def definition_update(
    *, actor: User, definition: StopPointDefinition, **fields: Any
) -> StopPointDefinition:
    """Change fields of a stop point in a draft; the whole version must stay consistent.

    ``chain_actor`` sets the model field ``actor`` (the lane in the collaboration chain).
    """
    fields = _definition_fields(fields)
    ensure_can_edit(actor, definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=definition.version_id)
        _ensure_draft(version)
        definition = StopPointDefinition.objects.get(pk=definition.pk)
        changed = changes_apply(definition, fields)
        _definition_check(definition, list(version.definitions.all()))
        if changed:
            definition.save(update_fields=[*changed, "updated_at"])
            _edited(
                actor=actor,
                version=version,
                action="definition_updated",
                data={
                    "definition": definition.pk,
                    "code": definition.code,
                    "changes": {
                        name: [jsonable(old), jsonable(new)] for name, (old, new) in changed.items()
                    },
                },
            )
    return definition


def definition_delete(*, actor: User, definition: StopPointDefinition) -> None:
    """Remove a stop point (and its checklist) from a draft."""
    ensure_can_edit(actor, definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=definition.version_id)
        _ensure_draft(version)
        remaining = [d for d in version.definitions.all() if d.pk != definition.pk]
        try:
            definitions_validate(remaining)
        except rules.RuleError as exc:
            raise rule_error(exc) from exc
        code = definition.code
        pk = definition.pk
        try:
            ChecklistItem.objects.filter(definition_id=pk).delete()
            StopPointDefinition.objects.filter(pk=pk).delete()
        except ProtectedError as exc:
            raise ValidationError(
                gettext("The stop point is in use and cannot be removed."), code=Code.IN_USE
            ) from exc
        _edited(
            actor=actor,
            version=version,
            action="definition_deleted",
            data={"definition": pk, "code": code},
        )


def _item_check(item: ChecklistItem) -> None:
    item.full_clean(exclude=["definition"], validate_constraints=False)
    errors: dict[str, str] = {}
    choice_kinds = {ChecklistItem.Kind.SINGLE_CHOICE, ChecklistItem.Kind.MULTIPLE_CHOICE}
    if item.kind in choice_kinds:
        values = [choice.value for choice in checklists.parse_choices(item.choices)]
        if not isinstance(item.choices, list) or len(values) < 2:
            errors["choices"] = gettext("A choice question needs at least two choices.")
        elif len(set(values)) != len(values):
            errors["choices"] = gettext("The choices must be different.")
    elif item.choices:
        errors["choices"] = gettext("Only choice questions have choices.")
    if item.number_unit and item.kind != ChecklistItem.Kind.NUMBER:
        errors["number_unit"] = gettext("Only number questions have a unit.")
    if item.part and item.part not in {role for role, _t in item.definition.part_specs}:
        errors["part"] = gettext("The stop point has no part for this role.")
    if errors:
        raise ValidationError(errors, code=Code.INVALID_ITEM)


def _item_check_unique(item: ChecklistItem) -> None:
    clash = ChecklistItem.objects.filter(definition_id=item.definition_id, key=item.key)
    if item.pk is not None:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError(
            {
                "key": gettext("Another question in this stop point has the key %(key)s.")
                % {"key": item.key}
            },
            code=Code.DUPLICATE_KEY,
        )


def item_create(*, actor: User, definition: StopPointDefinition, **fields: Any) -> ChecklistItem:
    """Add a checklist question to a stop point of a draft."""
    _check_fields(fields, EDITABLE_ITEM_FIELDS)
    ensure_can_edit(actor, definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=definition.version_id)
        _ensure_draft(version)
        item = ChecklistItem(definition=definition, **fields)
        _item_check(item)
        _item_check_unique(item)
        item.save()
        _edited(
            actor=actor,
            version=version,
            action="item_created",
            data={"definition": definition.pk, "item": item.pk, "key": item.key},
        )
    return item


def item_update(*, actor: User, item: ChecklistItem, **fields: Any) -> ChecklistItem:
    """Change a checklist question in a draft."""
    _check_fields(fields, EDITABLE_ITEM_FIELDS)
    ensure_can_edit(actor, item.definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=item.definition.version_id)
        _ensure_draft(version)
        item = ChecklistItem.objects.get(pk=item.pk)
        changed = changes_apply(item, fields)
        _item_check(item)
        _item_check_unique(item)
        if changed:
            item.save(update_fields=[*changed, "updated_at"])
            _edited(
                actor=actor,
                version=version,
                action="item_updated",
                data={
                    "item": item.pk,
                    "key": item.key,
                    "changes": {
                        name: [jsonable(old), jsonable(new)] for name, (old, new) in changed.items()
                    },
                },
            )
    return item


def item_delete(*, actor: User, item: ChecklistItem) -> None:
    """Remove a checklist question from a draft."""
    ensure_can_edit(actor, item.definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=item.definition.version_id)
        _ensure_draft(version)
        pk, key = item.pk, item.key
        try:
            ChecklistItem.objects.filter(pk=pk).delete()
        except ProtectedError as exc:
            raise ValidationError(
                gettext("The question has answers and cannot be removed."), code=Code.IN_USE
            ) from exc
        _edited(
            actor=actor,
            version=version,
            action="item_deleted",
            data={"definition": item.definition_id, "item": pk, "key": key},
        )
