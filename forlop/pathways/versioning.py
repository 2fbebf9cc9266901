"""Versioned pathway templates: copy, draft, edit, publish, compare and migrate.

Published versions never change. Every edit service refuses a published version with a
``ValidationError`` whose code is ``"published"``; to change a template, make a draft
(``version_draft_create``), edit it and publish it. Running pathways keep the version they
started on until they are moved explicitly (``pathways_migrate``), which is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, ProtectedError, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Organisation, Role, User
from forlop.pathways import rules
from forlop.pathways.models import (
    ChecklistItem,
    Pathway,
    PathwayTemplate,
    StopPoint,
    StopPointDefinition,
    TemplateVersion,
)


def definition_to_rule(definition: StopPointDefinition) -> rules.StopPointDefinition:
    """The pure rules' view of a stored definition; raises ``rules.RuleError`` if inconsistent."""
    return rules.StopPointDefinition(
        code=definition.code,
        title=definition.title,
        responsible_role=definition.responsible_role,
        trigger=definition.trigger,  # type: ignore[arg-type]  # parsed by __post_init__
        anchor=definition.anchor,  # type: ignore[arg-type]
        deadline_amount=definition.deadline_amount,
        deadline_unit=definition.deadline_unit,  # type: ignore[arg-type]
        window_amount=definition.window_amount,
        window_unit=definition.window_unit or None,  # type: ignore[arg-type]
        repeats=definition.repeats,
        trigger_events=frozenset(definition.trigger_events or ()),  # type: ignore[arg-type]
        after_code=definition.after_code or None,
        checklist=tuple(item.key for item in definition.items.all()) if definition.pk else (),
    )


def definitions_validate(
    definitions: Iterable[StopPointDefinition],
) -> list[rules.StopPointDefinition]:
    """Validate a version's definitions with the pure rules, as a whole.

    Each definition must be consistent on its own, codes must be unique, and an
    ``after_stop_point`` trigger must name a stop point of the same version.
    """
    converted = [definition_to_rule(definition) for definition in definitions]
    codes: set[str] = set()
    for rule in converted:
        if rule.code in codes:
            raise rules.DuplicateStopPointCodeError(
                f"Stop point code {rule.code!r} is used more than once in the template."
            )
        codes.add(rule.code)
    for rule in converted:
        if rule.after_code is not None and rule.after_code not in codes:
            raise rules.InvalidDefinitionError(
                f"Stop point {rule.code!r} follows {rule.after_code!r}, which is not in the template."
            )
        if rule.after_code == rule.code:
            raise rules.InvalidDefinitionError(f"Stop point {rule.code!r} follows itself.")
    return converted


# --------------------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------------------

EDITOR_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR, Role.UNIT_LEADER})


def _member_organisation_ids(user: User, roles: frozenset[str] | None = None) -> set[int]:
    memberships = Membership.objects.filter(user=user, active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("unit__organisation_id", flat=True))


def organisations_editable_by(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose templates ``user`` may edit (administrator or unit leader there)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=_member_organisation_ids(user, EDITOR_ROLES))


def template_list_for_user(*, user: User) -> QuerySet[PathwayTemplate]:
    """Templates ``user`` may read: the national defaults (for any member) and those of the
    organisations where the user has an active membership."""
    if not user.is_authenticated:
        return PathwayTemplate.objects.none()
    templates = PathwayTemplate.objects.select_related("organisation")
    if user.is_superuser:
        return templates.all()
    organisation_ids = _member_organisation_ids(user)
    if not organisation_ids:
        return templates.none()
    return templates.filter(Q(organisation__isnull=True) | Q(organisation_id__in=organisation_ids))


def template_get_for_user(*, user: User, pk: int) -> PathwayTemplate:
    """A template ``user`` may read, or ``Http404`` (also for other municipalities')."""
    return get_object_or_404(template_list_for_user(user=user), pk=pk)


def template_can_edit(*, user: User, template: PathwayTemplate) -> bool:
    """National defaults are read-only; a municipality's template is edited by its
    administrators and unit leaders."""
    if not user.is_authenticated or template.organisation_id is None:
        return False
    return user.is_superuser or template.organisation_id in _member_organisation_ids(
        user, EDITOR_ROLES
    )


def _ensure_can_edit(actor: User, template: PathwayTemplate) -> None:
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
            code="published",
        )


def _rule_error(exc: rules.RuleError) -> ValidationError:
    # The rules' messages name only template values (codes, units), never patient data.
    return ValidationError(
        gettext("The stop points are not consistent: %(problem)s") % {"problem": exc},
        code=getattr(exc, "code", "invalid_stop_point_definition"),
    )


# --------------------------------------------------------------------------------------------
# Reads
# --------------------------------------------------------------------------------------------


def version_latest(
    *, template: PathwayTemplate, published_only: bool = False
) -> TemplateVersion | None:
    versions = template.versions.all()
    if published_only:
        versions = versions.filter(status=TemplateVersion.Status.PUBLISHED)
    return versions.order_by("-number").first()


def version_definitions(*, version: TemplateVersion) -> QuerySet[StopPointDefinition]:
    return version.definitions.order_by("order", "pk").prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "pk"))
    )


def running_pathways(*, version: TemplateVersion) -> QuerySet[Pathway]:
    return Pathway.objects.filter(version=version, ended_at__isnull=True).order_by("pk")


# --------------------------------------------------------------------------------------------
# Copy, draft, publish
# --------------------------------------------------------------------------------------------

DEFINITION_FIELDS: tuple[str, ...] = (
    "order",
    "code",
    "title",
    "description",
    "responsible_role",
    "actor",
    "trigger",
    "trigger_events",
    "after_code",
    "anchor",
    "deadline_amount",
    "deadline_unit",
    "window_amount",
    "window_unit",
    "repeats",
    "in_chain",
)
ITEM_FIELDS: tuple[str, ...] = (
    "order",
    "key",
    "text",
    "kind",
    "required",
    "allow_not_relevant",
    "number_unit",
    "choices",
    "domain",
    "guidance",
    "carry_to_care_plan",
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
                gettext("The template has no published version to copy."), code="no_published"
            )
        if PathwayTemplate.objects.filter(code=code).exists():
            raise ValidationError(
                {"code": gettext("A template with this code already exists.")},
                code="duplicate_code",
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
    _ensure_can_edit(actor, template)
    with transaction.atomic():
        # Lock the template row so two simultaneous requests cannot both create a draft.
        PathwayTemplate.objects.select_for_update().get(pk=template.pk)
        latest = version_latest(template=template)
        if latest is not None and latest.status == TemplateVersion.Status.DRAFT:
            raise ValidationError(
                gettext("Version %(number)s is already a draft. Publish or edit it first.")
                % {"number": latest.number},
                code="draft_exists",
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
    _ensure_can_edit(actor, version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        _ensure_draft(version)
        definitions = list(version_definitions(version=version))
        if not definitions:
            raise ValidationError(
                gettext("A version needs at least one stop point."), code="empty_version"
            )
        try:
            definitions_validate(definitions)
        except rules.RuleError as exc:
            raise _rule_error(exc) from exc
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


def _definition_check(definition: StopPointDefinition, siblings: list[StopPointDefinition]) -> None:
    """Model validation, then the pure rules for this definition and the version as a whole."""
    definition.full_clean(exclude=["version"], validate_constraints=False)
    if any(other.code == definition.code for other in siblings if other.pk != definition.pk):
        raise ValidationError(
            {
                "code": gettext("Another stop point in this version has the code %(code)s.")
                % {"code": definition.code}
            },
            code="duplicate_code",
        )
    try:
        definitions_validate(
            [definition if other.pk == definition.pk else other for other in siblings]
            + ([definition] if definition.pk is None else [])
        )
    except rules.RuleError as exc:
        raise _rule_error(exc) from exc


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
    _ensure_can_edit(actor, version.template)
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
    _ensure_can_edit(actor, definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=definition.version_id)
        _ensure_draft(version)
        definition = StopPointDefinition.objects.get(pk=definition.pk)
        changed = {
            name: value for name, value in fields.items() if getattr(definition, name) != value
        }
        old = {name: getattr(definition, name) for name in changed}
        for name, value in changed.items():
            setattr(definition, name, value)
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
                        name: [_jsonable(old[name]), _jsonable(value)]
                        for name, value in changed.items()
                    },
                },
            )
    return definition


def definition_delete(*, actor: User, definition: StopPointDefinition) -> None:
    """Remove a stop point (and its checklist) from a draft."""
    _ensure_can_edit(actor, definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=definition.version_id)
        _ensure_draft(version)
        remaining = [d for d in version.definitions.all() if d.pk != definition.pk]
        try:
            definitions_validate(remaining)
        except rules.RuleError as exc:
            raise _rule_error(exc) from exc
        code = definition.code
        pk = definition.pk
        try:
            ChecklistItem.objects.filter(definition_id=pk).delete()
            StopPointDefinition.objects.filter(pk=pk).delete()
        except ProtectedError as exc:
            raise ValidationError(
                gettext("The stop point is in use and cannot be removed."), code="in_use"
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
        if not isinstance(item.choices, list) or len(item.choices) < 2:
            errors["choices"] = gettext("A choice question needs at least two choices.")
        elif len(set(item.choices)) != len(item.choices):
            errors["choices"] = gettext("The choices must be different.")
    elif item.choices:
        errors["choices"] = gettext("Only choice questions have choices.")
    if item.number_unit and item.kind != ChecklistItem.Kind.NUMBER:
        errors["number_unit"] = gettext("Only number questions have a unit.")
    if errors:
        raise ValidationError(errors, code="invalid_item")


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
            code="duplicate_key",
        )


def item_create(*, actor: User, definition: StopPointDefinition, **fields: Any) -> ChecklistItem:
    """Add a checklist question to a stop point of a draft."""
    _check_fields(fields, EDITABLE_ITEM_FIELDS)
    _ensure_can_edit(actor, definition.version.template)
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
    _ensure_can_edit(actor, item.definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=item.definition.version_id)
        _ensure_draft(version)
        item = ChecklistItem.objects.get(pk=item.pk)
        changed = {name: value for name, value in fields.items() if getattr(item, name) != value}
        old = {name: getattr(item, name) for name in changed}
        for name, value in changed.items():
            setattr(item, name, value)
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
                        name: [_jsonable(old[name]), _jsonable(value)]
                        for name, value in changed.items()
                    },
                },
            )
    return item


def item_delete(*, actor: User, item: ChecklistItem) -> None:
    """Remove a checklist question from a draft."""
    _ensure_can_edit(actor, item.definition.version.template)
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=item.definition.version_id)
        _ensure_draft(version)
        pk, key = item.pk, item.key
        try:
            ChecklistItem.objects.filter(pk=pk).delete()
        except ProtectedError as exc:
            raise ValidationError(
                gettext("The question has answers and cannot be removed."), code="in_use"
            ) from exc
        _edited(
            actor=actor,
            version=version,
            action="item_deleted",
            data={"definition": item.definition_id, "item": pk, "key": key},
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)


# --------------------------------------------------------------------------------------------
# Comparing versions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class ItemRef:
    key: str
    text: str


@dataclass(frozen=True, slots=True)
class ItemChange:
    key: str
    text: str
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class DefinitionRef:
    code: str
    title: str


@dataclass(frozen=True, slots=True)
class DefinitionChange:
    code: str
    title: str
    changes: tuple[FieldChange, ...] = ()
    items_added: tuple[ItemRef, ...] = ()
    items_removed: tuple[ItemRef, ...] = ()
    items_changed: tuple[ItemChange, ...] = ()


@dataclass(frozen=True, slots=True)
class VersionDiff:
    added: tuple[DefinitionRef, ...] = ()
    removed: tuple[DefinitionRef, ...] = ()
    changed: tuple[DefinitionChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _field_changes(old: Any, new: Any, names: Iterable[str]) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(name, getattr(old, name), getattr(new, name))
        for name in names
        if getattr(old, name) != getattr(new, name)
    )


def version_diff(*, old: TemplateVersion, new: TemplateVersion) -> VersionDiff:
    """What changed from ``old`` to ``new``: stop points matched by code, items by key."""
    old_defs = {d.code: d for d in version_definitions(version=old)}
    new_defs = {d.code: d for d in version_definitions(version=new)}
    compared = [name for name in DEFINITION_FIELDS if name != "code"]
    changed: list[DefinitionChange] = []
    for code, new_def in new_defs.items():
        old_def = old_defs.get(code)
        if old_def is None:
            continue
        old_items = {i.key: i for i in old_def.items.all()}
        new_items = {i.key: i for i in new_def.items.all()}
        item_changes = tuple(
            ItemChange(key, item.text, changes)
            for key, item in new_items.items()
            if key in old_items
            and (changes := _field_changes(old_items[key], item, ITEM_FIELDS[1:]))
        )
        change = DefinitionChange(
            code=code,
            title=new_def.title,
            changes=_field_changes(old_def, new_def, compared),
            items_added=tuple(
                ItemRef(k, i.text) for k, i in new_items.items() if k not in old_items
            ),
            items_removed=tuple(
                ItemRef(k, i.text) for k, i in old_items.items() if k not in new_items
            ),
            items_changed=item_changes,
        )
        if change.changes or change.items_added or change.items_removed or change.items_changed:
            changed.append(change)
    return VersionDiff(
        added=tuple(DefinitionRef(c, d.title) for c, d in new_defs.items() if c not in old_defs),
        removed=tuple(DefinitionRef(c, d.title) for c, d in old_defs.items() if c not in new_defs),
        changed=tuple(changed),
    )


# --------------------------------------------------------------------------------------------
# Moving running pathways to a new version
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InstanceMapping:
    stop_point_id: int
    code: str
    occurrence: int
    old_due_at: datetime
    old_all_day: bool
    new_definition_id: int
    new_deadline: rules.Deadline
    new_opens_at: datetime

    @property
    def deadline_changed(self) -> bool:
        return (
            self.new_deadline.due_at != self.old_due_at
            or self.new_deadline.all_day != self.old_all_day
        )


@dataclass(frozen=True, slots=True)
class DroppedInstance:
    stop_point_id: int
    code: str
    occurrence: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class MigrationPreviewRow:
    """One running pathway: what happens to its open stop points on the new version."""

    pathway_id: int
    patient_id: int
    mapped: tuple[InstanceMapping, ...]
    dropped: tuple[DroppedInstance, ...]


def _open_stop_points(pathway: Pathway, now: datetime) -> list[StopPoint]:
    # Open = not completed, not marked not relevant and not interrupted (as of now).
    return [
        sp
        for sp in pathway.stop_points.all()
        if not any(
            t is not None and t <= now
            for t in (sp.completed_at, sp.not_relevant_at, sp.interrupted_at)
        )
    ]


def _replan(
    stop_point: StopPoint, pathway: Pathway, rule: rules.StopPointDefinition
) -> tuple[rules.Deadline, datetime]:
    anchors = rules.PathwayAnchors(
        started_at=pathway.started_at,
        discharged_at=pathway.discharged_at,
        arrived_home_at=pathway.arrived_home_at,
    )
    anchor_at = rules.resolve_anchor(
        rule.anchor,
        anchors,
        event_time=stop_point.event.occurred_at if stop_point.event else stop_point.triggered_at,
        previous_done_at=stop_point.triggered_at,
    )
    if anchor_at is None:
        # The new anchor is not known for this pathway: keep the deadline it has.
        deadline = rules.Deadline(due_at=stop_point.due_at, all_day=stop_point.due_all_day)
        return deadline, stop_point.opens_at
    planned = rules.plan_instance(
        rule,
        triggered_at=stop_point.triggered_at,
        anchor_at=anchor_at,
        occurrence=stop_point.occurrence if rule.trigger is rules.Trigger.RECURRENCE else 1,
    )
    return planned.deadline, planned.opens_at


def _check_migration(from_version: TemplateVersion, to_version: TemplateVersion) -> None:
    if from_version.template_id != to_version.template_id:
        raise ValidationError(
            gettext("Pathways can only move between versions of the same template."),
            code="other_template",
        )
    if from_version.pk == to_version.pk:
        raise ValidationError(gettext("Choose two different versions."), code="same_version")
    if not to_version.is_published:
        raise ValidationError(
            gettext("Pathways can only move to a published version."), code="not_published"
        )


def pathways_migrate_preview(
    *, from_version: TemplateVersion, to_version: TemplateVersion, now: datetime
) -> list[MigrationPreviewRow]:
    """For each running pathway on ``from_version``: which open stop points map (by code) to
    which definitions of ``to_version`` with which new deadline, and which are dropped."""
    _check_migration(from_version, to_version)
    new_defs = {d.code: d for d in version_definitions(version=to_version)}
    try:
        new_rules = {code: definition_to_rule(d) for code, d in new_defs.items()}
    except rules.RuleError as exc:
        raise _rule_error(exc) from exc
    pathways = running_pathways(version=from_version).prefetch_related(
        Prefetch(
            "stop_points",
            queryset=StopPoint.objects.select_related("definition", "event").order_by(
                "due_at", "pk"
            ),
        )
    )
    rows: list[MigrationPreviewRow] = []
    for pathway in pathways:
        mapped: list[InstanceMapping] = []
        dropped: list[DroppedInstance] = []
        for sp in _open_stop_points(pathway, now):
            code = sp.definition.code
            if code not in new_defs:
                dropped.append(DroppedInstance(sp.pk, code, sp.occurrence, sp.due_at))
                continue
            deadline, opens_at = _replan(sp, pathway, new_rules[code])
            mapped.append(
                InstanceMapping(
                    stop_point_id=sp.pk,
                    code=code,
                    occurrence=sp.occurrence,
                    old_due_at=sp.due_at,
                    old_all_day=sp.due_all_day,
                    new_definition_id=new_defs[code].pk,
                    new_deadline=deadline,
                    new_opens_at=opens_at,
                )
            )
        rows.append(
            MigrationPreviewRow(
                pathway_id=pathway.pk,
                patient_id=pathway.patient_id,
                mapped=tuple(mapped),
                dropped=tuple(dropped),
            )
        )
    return rows


def pathways_migrate(
    *, actor: User, from_version: TemplateVersion, to_version: TemplateVersion, now: datetime
) -> int:
    """Move every running pathway on ``from_version`` to ``to_version``; return how many moved.

    Open stop points move to the definition with the same code and get the new deadline; their
    answers move to the question with the same key (answers to removed questions stay on the
    old question, as history). Open stop points whose code is gone are marked not relevant with
    the reason that the new version removed them. Closed stop points keep their old
    definition: they are history. Each pathway gets a ``PATHWAY_MIGRATED`` audit row.
    """
    _ensure_can_edit(actor, from_version.template)
    with transaction.atomic():
        # Lock the pathways being moved; preview and apply run in the same transaction.
        list(running_pathways(version=from_version).select_for_update())
        rows = pathways_migrate_preview(from_version=from_version, to_version=to_version, now=now)
        new_items = {
            (item.definition_id, item.key): item
            for item in ChecklistItem.objects.filter(definition__version=to_version)
        }
        reason = gettext("Removed in version %(number)s of the template.") % {
            "number": to_version.number
        }
        for row in rows:
            for mapping in row.mapped:
                sp = StopPoint.objects.get(pk=mapping.stop_point_id)
                sp.definition_id = mapping.new_definition_id
                sp.due_at = mapping.new_deadline.due_at
                sp.due_all_day = mapping.new_deadline.all_day
                sp.ends_at = mapping.new_deadline.ends_at
                sp.opens_at = mapping.new_opens_at
                sp.revision += 1
                sp.save(
                    update_fields=[
                        "definition",
                        "due_at",
                        "due_all_day",
                        "ends_at",
                        "opens_at",
                        "revision",
                        "updated_at",
                    ]
                )
                for answer in sp.answers.select_related("item"):
                    target = new_items.get((mapping.new_definition_id, answer.item.key))
                    if target is not None:
                        answer.item = target
                        answer.save(update_fields=["item", "updated_at"])
            for dropped in row.dropped:
                StopPoint.objects.filter(pk=dropped.stop_point_id).update(
                    not_relevant_at=now,
                    not_relevant_reason=reason,
                    revision=F("revision") + 1,
                    updated_at=now,
                )
            Pathway.objects.filter(pk=row.pathway_id).update(version=to_version, updated_at=now)
            audit_record(
                actor=actor,
                verb=AuditVerb.PATHWAY_MIGRATED,
                patient_id=row.patient_id,
                target=Pathway(pk=row.pathway_id),
                data={
                    "from": from_version.pk,
                    "to": to_version.pk,
                    "moved": [m.stop_point_id for m in row.mapped],
                    "dropped": [d.stop_point_id for d in row.dropped],
                },
            )
    return len(rows)
