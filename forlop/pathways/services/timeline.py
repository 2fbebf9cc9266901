"""The pathway's own timeline: one service per action, each registered when it happens.

* ``pathway_ready_for_discharge_register``: the hospital reports the patient ready for
  discharge, with the planned discharge (HPH0 and HPH1 fall due from the plan);
* ``pathway_planned_discharge_move``: the hospital moves the planned discharge;
* ``pathway_discharge_register``: the patient leaves hospital (to home or to a short stay);
* ``pathway_short_stay_register``: a short-term or intermediate stay (korttidsopphold, KAD);
* ``pathway_arrival_home_register``: the patient is home (HPH2's three days start);
* ``pathway_time_correct``: a registered time was wrong: the correction needs a reason.

All of them go through ``_times_change``: the actor's service need and role
(``timeline.REGISTERING_ROLES``/``CORRECTING_ROLES``), the timeline rules
(``timeline.timeline_errors``), then the stop points that were waiting for a time are planned
and those counted from a changed time are moved; every change is kept as a
``PathwayTimeChange`` row (with the deadlines it moved) and an audit row, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, Membership, Role, User
from forlop.pathways import mappers, models, planning, rules, timeline
from forlop.pathways.error_codes import PathwayErrorCode as Code
from forlop.pathways.services import _shared
from forlop.patients.models import HospitalStay
from forlop.patients.services import hospital_stay_discharge

T = timeline.TimeKind
Action = models.PathwayTimeChange.Action

MIN_CORRECTION_REASON = 5

# The anchors each time feeds (a changed time moves the stop points counted from these).
_TIMELINE_ANCHORS = (
    rules.Anchor.READY_FOR_DISCHARGE,
    rules.Anchor.PLANNED_DISCHARGE,
    rules.Anchor.DISCHARGE,
    rules.Anchor.ARRIVAL_HOME,
)


@dataclass(frozen=True, slots=True)
class DeadlineMove:
    """A stop point whose deadline a changed time moved."""

    stop_point: models.StopPoint
    code: str
    before: rules.Deadline
    after: rules.Deadline

    def to_json(self) -> dict[str, Any]:
        return {
            "stop_point": self.stop_point.pk,
            "code": self.code,
            "occurrence": self.stop_point.occurrence,
            "before": self.before.due_at.isoformat(),
            "before_all_day": self.before.all_day,
            "after": self.after.due_at.isoformat(),
            "after_all_day": self.after.all_day,
        }


@dataclass(frozen=True, slots=True)
class TimesChanged:
    """What a timeline action did: the new stop points and the deadlines it moved."""

    pathway: models.Pathway
    created: list[models.StopPoint] = field(default_factory=list)
    moved: list[DeadlineMove] = field(default_factory=list)
    changes: list[models.PathwayTimeChange] = field(default_factory=list)


def time_label(kind: timeline.TimeKind | str) -> str:
    return str(dict(models.TimeKindChoices.choices).get(str(kind), str(kind)))


def rule_message(error: timeline.TimelineError) -> tuple[Code, str]:
    label = time_label(error.kind).lower()
    messages: dict[str, tuple[Code, str]] = {
        timeline.IN_FUTURE: (
            Code.FUTURE,
            _("The time cannot be in the future (%(time)s).") % {"time": label},
        ),
        timeline.PLANNED_TOO_FAR: (
            Code.PLANNED_TOO_FAR,
            _("The planned discharge is more than a year ahead. Check the date."),
        ),
        timeline.PLANNED_BEFORE_READY: (
            Code.PLANNED_BEFORE_READY,
            _(
                "The planned discharge cannot be before the patient was reported ready for "
                "discharge."
            ),
        ),
        timeline.DISCHARGE_BEFORE_READY: (
            Code.DISCHARGE_BEFORE_READY,
            _("The discharge cannot be before the patient was reported ready for discharge."),
        ),
        timeline.SHORT_STAY_WITHOUT_DISCHARGE: (
            Code.SHORT_STAY_WITHOUT_DISCHARGE,
            _("Register the discharge from hospital before the short stay."),
        ),
        timeline.SHORT_STAY_BEFORE_DISCHARGE: (
            Code.SHORT_STAY_BEFORE_DISCHARGE,
            _("The short stay cannot start before the discharge from hospital."),
        ),
        timeline.ARRIVAL_BEFORE_DISCHARGE: (
            Code.ARRIVAL_BEFORE_DISCHARGE,
            _("The patient cannot arrive home before the discharge."),
        ),
        timeline.ARRIVAL_BEFORE_SHORT_STAY: (
            Code.ARRIVAL_BEFORE_SHORT_STAY,
            _("The patient cannot arrive home before the short stay started."),
        ),
    }
    return messages[error.rule]


def actor_roles(actor: User) -> set[str]:
    """The roles the actor holds in any unit (active memberships)."""
    return set(Membership.objects.filter(user=actor, active=True).values_list("role", flat=True))


def _role_labels(roles: frozenset[str]) -> str:
    return ", ".join(sorted(Role.label_of(role).lower() for role in roles))


def check_role(*, actor: User, kind: timeline.TimeKind, correcting: bool) -> None:
    """Refuse an actor whose roles may not register (or correct) this time."""
    roles = actor_roles(actor)
    allowed = timeline.CORRECTING_ROLES if correcting else timeline.REGISTERING_ROLES
    if allowed[kind] & roles:
        return
    raise PermissionDenied(
        _("Your role may not register this time (%(time)s). It is registered by: %(roles)s.")
        % {"time": time_label(kind).lower(), "roles": _role_labels(allowed[kind])}
    )


def _validate(new: timeline.Timeline, *, now: datetime) -> None:
    errors = timeline.timeline_errors(new, now=now)
    if errors:
        code, message = rule_message(errors[0])
        raise domain_error(code, message)


def _retime(
    pathway: models.Pathway,
    *,
    stored: list[models.StopPointDefinition],
    before: rules.PathwayAnchors,
    after: rules.PathwayAnchors,
) -> tuple[list[models.StopPoint], list[DeadlineMove]]:
    """Plan what waited for a time now known; move what is counted from a changed time."""
    changed = {
        anchor
        for anchor in _TIMELINE_ANCHORS
        if rules.resolve_anchor(anchor, before) != rules.resolve_anchor(anchor, after)
    }
    if not changed:
        return [], []
    by_code = {d.code: d for d in stored}
    rule_defs = {d.code: d for d in _shared.rule_definitions(stored)}
    moves: list[DeadlineMove] = []
    existing = list(
        pathway.stop_points.select_for_update()
        .select_related("definition")
        .filter(interrupted_at__isnull=True)
    )
    for stop_point in existing:
        rule = rule_defs.get(stop_point.definition.code)
        if rule is None or rule.anchor not in changed:
            continue
        planned = planning.instance_retimed(
            rule, after, triggered_at=stop_point.triggered_at, occurrence=stop_point.occurrence
        )
        if planned is None:
            continue
        old = mappers.stop_point_deadline(stop_point)
        if planned.deadline == old and planned.opens_at == stop_point.opens_at:
            continue
        stop_point.opens_at = planned.opens_at
        stop_point.due_at = planned.deadline.due_at
        stop_point.due_all_day = planned.deadline.all_day
        stop_point.ends_at = planned.deadline.ends_at
        stop_point.revision += 1
        stop_point.save(
            update_fields=["opens_at", "due_at", "due_all_day", "ends_at", "revision", "updated_at"]
        )
        if planned.deadline != old:
            moves.append(
                DeadlineMove(stop_point, stop_point.definition.code, old, planned.deadline)
            )
    have = {sp.definition.code for sp in pathway.stop_points.all()}
    planned_new: list[rules.PlannedStopPoint] = []
    for anchor in changed:
        if rules.resolve_anchor(anchor, before) is not None:
            continue
        planned_new += planning.instances_for_anchor(list(rule_defs.values()), after, anchor)
    moves.sort(key=lambda m: (m.stop_point.definition.order, m.code, m.stop_point.occurrence))
    unique: dict[str, rules.PlannedStopPoint] = {}
    for plan in planned_new:
        if plan.code not in have:
            unique.setdefault(plan.code, plan)
    order = {d.code: i for i, d in enumerate(stored)}
    planned_list = sorted(unique.values(), key=lambda p: order.get(p.code, 0))
    created = _shared.instances_create(pathway=pathway, planned=planned_list, by_code=by_code)
    return created, moves


def _times_change(
    *,
    actor: User,
    pathway: models.Pathway,
    values: dict[timeline.TimeKind, datetime],
    action: str,
    reason: str = "",
    short_stay_kind: str | None = None,
    now: datetime | None = None,
) -> TimesChanged:
    """Register or correct times of a running pathway; the one way the timeline changes."""
    now = now or timezone.now()
    _shared.check_aware(**{str(kind): value for kind, value in values.items()})
    correcting = action == Action.CORRECTED
    for kind in values:
        check_role(actor=actor, kind=kind, correcting=correcting or action == Action.MOVED)
    reason = (reason or "").strip()
    if correcting and len(reason) < MIN_CORRECTION_REASON:
        raise domain_error(
            Code.REASON,
            _("Write why the time is corrected (at least %(n)d characters).")
            % {"n": MIN_CORRECTION_REASON},
        )
    if short_stay_kind is not None and short_stay_kind not in models.ShortStayKind.values:
        raise domain_error(Code.SHORT_STAY_KIND, _("Choose the kind of stay."))
    access = _shared.access_require(actor=actor, patient_id=pathway.patient_id, now=now)
    with transaction.atomic():
        locked = (
            models.Pathway.objects.select_for_update().select_related("version").get(pk=pathway.pk)
        )
        if locked.ended_at is not None:
            raise domain_error(
                Code.ENDED, _("The pathway has ended; its times can no longer change.")
            )
        for kind in values:
            current = getattr(locked, mappers.TIME_FIELDS[kind])
            if action == Action.REGISTERED and current is not None:
                raise domain_error(
                    Code.ALREADY_SET,
                    _("This time is already registered (%(time)s). Correct it instead.")
                    % {"time": time_label(kind).lower()},
                )
            if action != Action.REGISTERED and current is None:
                raise domain_error(
                    Code.NOT_SET,
                    _("This time is not registered yet (%(time)s). Register it first.")
                    % {"time": time_label(kind).lower()},
                )
        old_values = {kind: getattr(locked, mappers.TIME_FIELDS[kind]) for kind in values}
        before_anchors = mappers.pathway_anchors(locked)
        new_timeline = mappers.pathway_timeline(locked)
        for kind, value in values.items():
            new_timeline = new_timeline.with_time(kind, value)
        _validate(new_timeline, now=now)
        for kind, value in values.items():
            setattr(locked, mappers.TIME_FIELDS[kind], value)
        fields = [mappers.TIME_FIELDS[kind] for kind in values]
        if short_stay_kind is not None:
            locked.short_stay_kind = short_stay_kind
            fields.append("short_stay_kind")
        locked.full_clean()
        locked.save(update_fields=[*fields, "updated_at"])
        stored = _shared.definitions(locked.version)
        created, moves = _retime(
            locked, stored=stored, before=before_anchors, after=mappers.pathway_anchors(locked)
        )
        changes = [
            models.PathwayTimeChange.objects.create(
                pathway=locked,
                kind=kind,
                action=action,
                old_value=old_values[kind],
                new_value=value,
                reason=reason,
                changed_by=actor,
                changed_at=now,
                moved=[move.to_json() for move in moves],
            )
            for kind, value in values.items()
        ]
        _shared.audit(
            actor=actor,
            access=access,
            verb=(
                AuditVerb.PATHWAY_TIME_REGISTERED
                if action == Action.REGISTERED
                else AuditVerb.PATHWAY_TIME_CORRECTED
            ),
            target=locked,
            reason=reason,
            data={
                "action": action,
                "times": {
                    str(kind): [
                        old_values[kind].isoformat() if old_values[kind] else None,
                        value.isoformat(),
                    ]
                    for kind, value in values.items()
                },
                "short_stay_kind": short_stay_kind,
                "stop_points": [sp.definition.code for sp in created],
                "moved": [move.to_json() for move in moves],
            },
        )
        _shared.sync_pathway(pathway, locked)
    return TimesChanged(pathway=pathway, created=created, moved=moves, changes=changes)


def times_register(
    *,
    actor: User,
    pathway: models.Pathway,
    values: dict[timeline.TimeKind, datetime],
    now: datetime | None = None,
) -> TimesChanged:
    """Register several times at once (an older caller, or a message carrying both)."""
    return _times_change(
        actor=actor, pathway=pathway, values=values, action=Action.REGISTERED, now=now
    )


def pathway_ready_for_discharge_register(
    *,
    actor: User,
    pathway: models.Pathway,
    at: datetime,
    planned_discharge_at: datetime,
    now: datetime | None = None,
) -> TimesChanged:
    """The hospital reported the patient ready for discharge at ``at``, to leave at
    ``planned_discharge_at``. HPH0 and HPH1 fall due from the planned discharge."""
    if planned_discharge_at is None:
        raise domain_error(Code.PLANNED_REQUIRED, _("Give the planned discharge time."))
    return _times_change(
        actor=actor,
        pathway=pathway,
        values={T.READY_FOR_DISCHARGE: at, T.PLANNED_DISCHARGE: planned_discharge_at},
        action=Action.REGISTERED,
        now=now,
    )


def pathway_planned_discharge_move(
    *,
    actor: User,
    pathway: models.Pathway,
    planned_discharge_at: datetime,
    reason: str = "",
    now: datetime | None = None,
) -> TimesChanged:
    """The hospital moves the planned discharge; HPH0 and HPH1 move with it. Only before the
    discharge: once the patient has left, correct the discharge instead."""
    if pathway.discharged_at is not None:
        raise domain_error(
            Code.ALREADY_DISCHARGED,
            _("The patient is already discharged. Correct the discharge time instead."),
        )
    return _times_change(
        actor=actor,
        pathway=pathway,
        values={T.PLANNED_DISCHARGE: planned_discharge_at},
        action=Action.MOVED,
        reason=reason,
        now=now,
    )


def pathway_discharge_register(
    *,
    actor: User,
    pathway: models.Pathway,
    at: datetime,
    short_stay_kind: str = "",
    now: datetime | None = None,
) -> TimesChanged:
    """The patient left hospital at ``at``: home (register the arrival home when it happens),
    or to a short stay (``short_stay_kind``), which then starts at the discharge."""
    values = {T.DISCHARGED: at}
    if short_stay_kind:
        values[T.SHORT_STAY] = at
    with transaction.atomic():
        changed = _times_change(
            actor=actor,
            pathway=pathway,
            values=values,
            action=Action.REGISTERED,
            short_stay_kind=short_stay_kind or None,
            now=now,
        )
        # The hospital stay the patient leaves ends with it, so the ward's list and the
        # pathway's timeline tell the same story (one transaction: both or neither).
        stay = (
            HospitalStay.objects.select_for_update()
            .filter(patient_id=pathway.patient_id, discharged_at__isnull=True, admitted_at__lte=at)
            .order_by("-admitted_at")
            .first()
        )
        if stay is not None:
            hospital_stay_discharge(actor=actor, stay=stay, discharged_at=at)
    return changed


def pathway_short_stay_register(
    *,
    actor: User,
    pathway: models.Pathway,
    kind: str,
    at: datetime,
    now: datetime | None = None,
) -> TimesChanged:
    """A short-term or intermediate stay (korttidsopphold, KAD …) from ``at``: the stop points
    counted from the arrival home wait until the patient is home."""
    return _times_change(
        actor=actor,
        pathway=pathway,
        values={T.SHORT_STAY: at},
        action=Action.REGISTERED,
        short_stay_kind=kind,
        now=now,
    )


def pathway_arrival_home_register(
    *,
    actor: User,
    pathway: models.Pathway,
    at: datetime,
    now: datetime | None = None,
) -> TimesChanged:
    """The patient arrived home at ``at`` (after the hospital or a short stay): HPH2's three
    days, the four-week conversation and the daily care plan count from here. A discharge
    pathway needs its discharge registered first (HPH3 counts from it)."""
    if (
        pathway.start_reason == models.Pathway.StartReason.DISCHARGE
        and pathway.discharged_at is None
    ):
        raise domain_error(
            Code.NOT_SET, _("Register the discharge from hospital before the arrival home.")
        )
    return _times_change(
        actor=actor,
        pathway=pathway,
        values={T.ARRIVED_HOME: at},
        action=Action.REGISTERED,
        now=now,
    )


def pathway_time_correct(
    *,
    actor: User,
    pathway: models.Pathway,
    kind: str,
    at: datetime,
    reason: str,
    now: datetime | None = None,
) -> TimesChanged:
    """A registered time was wrong: set it to ``at``, with the reason. The deadlines counted
    from it move, and the change is shown on the pathway page."""
    try:
        parsed = timeline.TimeKind(kind)
    except ValueError:
        raise domain_error(Code.NOT_SET, _("Choose the time to correct.")) from None
    return _times_change(
        actor=actor,
        pathway=pathway,
        values={parsed: at},
        action=Action.CORRECTED,
        reason=reason,
        now=now,
    )
