"""Moving running pathways to a new version of their template, with a preview first.

Open stop points move to the definition with the same code and get the deadline the new version
gives; closed ones stay on the old definition as history. Each moved pathway is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils.translation import gettext

from forlop.authoring.error_codes import TemplateErrorCode as Code
from forlop.authoring.selectors import running_pathways, version_definitions
from forlop.authoring.services import ensure_can_edit
from forlop.authoring.validation import rule_error
from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, User
from forlop.pathways import mappers, planning, rules
from forlop.pathways.models import (
    ChecklistItem,
    Pathway,
    StopPoint,
    StopPointDefinition,
    StopPointPart,
    TemplateVersion,
)


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


def _replan(
    stop_point: StopPoint, pathway: Pathway, rule: rules.StopPointDefinition
) -> tuple[rules.Deadline, datetime]:
    anchor_at = rules.resolve_anchor(
        rule.anchor,
        mappers.pathway_anchors(pathway),
        event_time=stop_point.event.occurred_at if stop_point.event else stop_point.triggered_at,
        previous_done_at=stop_point.triggered_at,
    )
    if anchor_at is None:
        # The new anchor is not known for this pathway: keep the deadline it has.
        deadline = rules.Deadline(due_at=stop_point.due_at, all_day=stop_point.due_all_day)
        return deadline, stop_point.opens_at
    planned = planning.plan_instance(
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
            code=Code.OTHER_TEMPLATE,
        )
    if from_version.pk == to_version.pk:
        raise ValidationError(gettext("Choose two different versions."), code=Code.SAME_VERSION)
    if not to_version.is_published:
        raise ValidationError(
            gettext("Pathways can only move to a published version."), code=Code.NOT_PUBLISHED
        )


def pathways_migrate_preview(
    *, from_version: TemplateVersion, to_version: TemplateVersion
) -> list[MigrationPreviewRow]:
    """For each running pathway on ``from_version``: which open stop points map (by code) to
    which definitions of ``to_version`` with which new deadline, and which are dropped."""
    _check_migration(from_version, to_version)
    new_defs = {d.code: d for d in version_definitions(version=to_version)}
    try:
        new_rules = {code: mappers.definition_rule(d) for code, d in new_defs.items()}
    except rules.RuleError as exc:
        raise rule_error(exc) from exc
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
        for sp in pathway.stop_points.all():
            if not sp.is_open:
                continue
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
    ensure_can_edit(actor, from_version.template)
    with transaction.atomic():
        # Lock the pathways being moved; preview and apply run in the same transaction.
        list(running_pathways(version=from_version).select_for_update())
        rows = pathways_migrate_preview(from_version=from_version, to_version=to_version)
        new_items = {
            (item.definition_id, item.key): item
            for item in ChecklistItem.objects.filter(definition__version=to_version)
        }
        new_part_specs = {
            d.pk: d.part_specs for d in StopPointDefinition.objects.filter(version=to_version)
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
                # The parts follow the new definition: a new part opens, an unsigned part the
                # new version removed goes (a signed one stays, as history).
                new_parts = dict(new_part_specs[mapping.new_definition_id])
                StopPointPart.objects.filter(stop_point=sp, signed_at__isnull=True).exclude(
                    role__in=list(new_parts)
                ).delete()
                have = set(sp.parts.values_list("role", flat=True))
                StopPointPart.objects.bulk_create(
                    StopPointPart(stop_point=sp, role=role, title=title)
                    for role, title in new_parts.items()
                    if role not in have
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
