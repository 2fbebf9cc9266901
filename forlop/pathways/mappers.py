"""Stored rows → the pure rules' values. The one place that converts between them.

Nothing here queries the database except ``definition_rule(..., with_checklist=True)``, which
reads the definition's item keys (the template editor's whole-version validation needs them;
planning does not).
"""

from __future__ import annotations

from datetime import datetime

from forlop.pathways import checklists, models, rules, timeline


def definition_rule(
    definition: models.StopPointDefinition, *, with_checklist: bool = False
) -> rules.StopPointDefinition:
    """The rules' view of a stored definition; raises ``rules.RuleError`` if inconsistent."""
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
        parts=tuple(role for role, _title in definition.part_specs),
        checklist=(
            tuple(item.key for item in definition.items.all())
            if with_checklist and definition.pk
            else ()
        ),
    )


def item_rule(item: models.ChecklistItem) -> checklists.ItemRule:
    return checklists.ItemRule(
        kind=item.kind,
        choices=checklists.parse_choices(item.choices),
        allow_not_relevant=item.allow_not_relevant,
        required=item.required,
    )


def stop_point_deadline(stop_point: models.StopPoint) -> rules.Deadline:
    if stop_point.due_all_day:
        return rules.Deadline.on_date(stop_point.due_at.astimezone(rules.OSLO).date())
    return rules.Deadline.at(stop_point.due_at)


def stop_point_state(stop_point: models.StopPoint) -> rules.StopPointState:
    """The recorded facts of a stored instance."""
    return rules.StopPointState(
        opens_at=stop_point.opens_at,
        deadline=stop_point_deadline(stop_point),
        completed_at=stop_point.completed_at,
        not_relevant_at=stop_point.not_relevant_at,
        interrupted_at=stop_point.interrupted_at,
    )


def stop_point_status(stop_point: models.StopPoint, *, now: datetime) -> rules.StopPointStatus:
    """The derived status of a stored instance as of ``now``."""
    return rules.stop_point_status(stop_point_state(stop_point), now=now)


def pathway_anchors(pathway: models.Pathway) -> rules.PathwayAnchors:
    """The anchors of a pathway. A pathway that does not start with a discharge starts at home."""
    arrived = pathway.arrived_home_at
    if arrived is None and pathway.start_reason != models.Pathway.StartReason.DISCHARGE:
        arrived = pathway.started_at
    return rules.PathwayAnchors(
        started_at=pathway.started_at,
        discharged_at=pathway.discharged_at,
        arrived_home_at=arrived,
        ready_for_discharge_at=pathway.ready_for_discharge_at,
        planned_discharge_at=pathway.planned_discharge_at,
    )


TIME_FIELDS: dict[timeline.TimeKind, str] = {
    timeline.TimeKind.READY_FOR_DISCHARGE: "ready_for_discharge_at",
    timeline.TimeKind.PLANNED_DISCHARGE: "planned_discharge_at",
    timeline.TimeKind.DISCHARGED: "discharged_at",
    timeline.TimeKind.SHORT_STAY: "short_stay_started_at",
    timeline.TimeKind.ARRIVED_HOME: "arrived_home_at",
}
"""The ``Pathway`` field holding each time of the timeline."""


def pathway_timeline(pathway: models.Pathway) -> timeline.Timeline:
    """The registered times of a pathway, as the timeline rules see them."""
    return timeline.Timeline(
        started_at=pathway.started_at,
        **{field: getattr(pathway, field) for field in TIME_FIELDS.values()},
    )
