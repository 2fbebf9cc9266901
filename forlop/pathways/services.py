"""Writes of pathway data: start pathways, record events, answer and sign checklists.

Each service owns its transaction: it plans with the pure rules (``rules.py``), runs
``full_clean()``, saves, and writes its audit row inside the same transaction, so nothing is
half-saved. Bad input raises Django's ``ValidationError`` with a translated message and a
stable ``code`` the UI and CLI can switch on.

Stop points use optimistic concurrency: every change raises ``StopPoint.revision``; an edit
made against an older revision raises ``ChecklistConflict``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Unit, User
from forlop.pathways import models, rules
from forlop.pathways.selectors import (
    definition_rule,
    pathway_anchors,
    stop_point_state,
)
from forlop.patients.models import Patient
from forlop.patients.services import hospital_stay_admit, hospital_stay_discharge

FUTURE_TOLERANCE = timedelta(minutes=5)
MIN_REOPEN_REASON = 5
MAX_TEXT_ANSWER = 2000

# Event kinds that open a repeating "change at home" stop point (HPH4 in the default template).
END_REASON_READMITTED = "readmitted"

EventKind = models.EventKindChoices


class ChecklistConflict(ValidationError):  # noqa: N818 - the name is part of the UI contract
    """Someone else changed the stop point since the user loaded it (stale ``revision``)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else has changed this checklist since you opened it. "
                "Reload the page to see their changes, then try again."
            ),
            code="conflict",
        )


@dataclass(frozen=True, slots=True)
class PreviewRow:
    code: str
    title: str
    responsible_role: str
    opens_at: datetime
    due_at: datetime
    all_day: bool


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _check_aware(**values: datetime | None) -> None:
    for value in values.values():
        if value is not None and timezone.is_naive(value):
            raise ValidationError(_("Give the time with a time zone."), code="naive_datetime")


def _definitions(version: models.TemplateVersion) -> list[models.StopPointDefinition]:
    return list(version.definitions.all())


def _rule_definitions(
    definitions: Sequence[models.StopPointDefinition],
) -> list[rules.StopPointDefinition]:
    try:
        return [definition_rule(d) for d in definitions]
    except rules.RuleError as exc:  # a stored template the rules refuse
        raise ValidationError(
            _("The pathway template is inconsistent and cannot be used."), code="invalid_template"
        ) from exc


def _validate_anchors(
    *, started_at: datetime, discharged_at: datetime | None, arrived_home_at: datetime | None
) -> None:
    _check_aware(
        started_at=started_at, discharged_at=discharged_at, arrived_home_at=arrived_home_at
    )
    if (
        discharged_at is not None
        and arrived_home_at is not None
        and arrived_home_at < discharged_at
    ):
        raise ValidationError(
            _("The patient cannot arrive home before the discharge."),
            code="arrival_before_discharge",
        )


def _anchors_for(
    *,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None,
    arrived_home_at: datetime | None,
) -> rules.PathwayAnchors:
    return pathway_anchors(
        models.Pathway(
            start_reason=start_reason,
            started_at=started_at,
            discharged_at=discharged_at,
            arrived_home_at=arrived_home_at,
        )
    )


def _create_instances(
    *,
    pathway: models.Pathway,
    planned: Sequence[rules.PlannedStopPoint],
    by_code: dict[str, models.StopPointDefinition],
    event: models.PathwayEvent | None = None,
) -> list[models.StopPoint]:
    created: list[models.StopPoint] = []
    for plan in planned:
        definition = by_code[plan.code]
        occurrence = plan.occurrence
        if definition.trigger != models.TriggerChoices.RECURRENCE:
            highest = pathway.stop_points.filter(definition=definition).aggregate(
                n=Max("occurrence")
            )["n"]
            occurrence = (highest or 0) + 1
        stop_point = models.StopPoint(
            pathway=pathway,
            definition=definition,
            occurrence=occurrence,
            event=event,
            triggered_at=plan.triggered_at,
            opens_at=plan.opens_at,
            due_at=plan.deadline.due_at,
            due_all_day=plan.deadline.all_day,
            ends_at=plan.deadline.ends_at,
            assignee=None,
        )
        stop_point.full_clean()
        stop_point.save()
        created.append(stop_point)
    return created


def _open_codes(pathway: models.Pathway) -> set[str]:
    return set(
        pathway.stop_points.filter(
            completed_at__isnull=True, not_relevant_at__isnull=True, interrupted_at__isnull=True
        ).values_list("definition__code", flat=True)
    )


def _interrupt(
    pathway: models.Pathway, *, at: datetime, only_not_passed: bool = False
) -> list[models.StopPoint]:
    """Interrupt the pathway's instances the rules say an event at ``at`` interrupts.

    ``only_not_passed`` leaves instances whose deadline had already passed at ``at`` open, so
    they keep counting as missed (used when a pathway ends because the patient came home
    again: a missed admission report must stay visible in the adherence report).
    """
    interrupted: list[models.StopPoint] = []
    candidates = pathway.stop_points.select_for_update().filter(interrupted_at__isnull=True)
    for stop_point in candidates:
        state = stop_point_state(stop_point)
        if not rules.should_interrupt(state, at=at):
            continue
        if only_not_passed and state.deadline.has_passed_at(at):
            continue
        stop_point.interrupted_at = at
        stop_point.revision += 1
        stop_point.save(update_fields=["interrupted_at", "revision", "updated_at"])
        interrupted.append(stop_point)
    return interrupted


def _locked(stop_point: models.StopPoint) -> models.StopPoint:
    return (
        models.StopPoint.objects.select_for_update()
        .select_related("definition", "pathway")
        .get(pk=stop_point.pk)
    )


def _sync(target: models.StopPoint, source: models.StopPoint, fields: Sequence[str]) -> None:
    """Copy the saved values back to the caller's object so it shows the new revision."""
    for name in [*fields, "revision", "updated_at"]:
        setattr(target, name, getattr(source, name))


def _check_revision(stop_point: models.StopPoint, expected_revision: int) -> None:
    if expected_revision != stop_point.revision:
        raise ChecklistConflict()


def _check_open(stop_point: models.StopPoint) -> None:
    if stop_point.completed_at is not None:
        raise ValidationError(
            _("This checklist is signed. Reopen it to change it."), code="completed"
        )
    if stop_point.interrupted_at is not None:
        raise ValidationError(
            _("This stop point was interrupted and can no longer be changed."), code="interrupted"
        )
    if stop_point.not_relevant_at is not None:
        raise ValidationError(
            _("This stop point is marked not relevant. Reopen it to change it."),
            code="not_relevant",
        )


# --------------------------------------------------------------------------------------------
# Starting pathways
# --------------------------------------------------------------------------------------------


def pathway_preview(
    *,
    version: models.TemplateVersion,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
) -> list[PreviewRow]:
    """The stop points a pathway would get if started now with these times. Writes nothing."""
    _validate_anchors(
        started_at=started_at, discharged_at=discharged_at, arrived_home_at=arrived_home_at
    )
    definitions = _definitions(version)
    by_code = {d.code: d for d in definitions}
    anchors = _anchors_for(
        start_reason=start_reason,
        started_at=started_at,
        discharged_at=discharged_at,
        arrived_home_at=arrived_home_at,
    )
    planned = rules.plan_pathway(_rule_definitions(definitions), anchors)
    return [
        PreviewRow(
            code=p.code,
            title=by_code[p.code].title,
            responsible_role=by_code[p.code].responsible_role,
            opens_at=p.opens_at,
            due_at=p.deadline.due_at,
            all_day=p.deadline.all_day,
        )
        for p in planned
    ]


def _pathway_create(
    *,
    actor: User | None,
    patient: Patient,
    version: models.TemplateVersion,
    unit: Unit,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None,
    arrived_home_at: datetime | None,
    primary_contact: User | None,
    previous: models.Pathway | None,
) -> models.Pathway:
    """Create a pathway and its start instances. The caller holds the transaction."""
    definitions = _definitions(version)
    rule_definitions = _rule_definitions(definitions)
    pathway = models.Pathway(
        patient=patient,
        version=version,
        unit=unit,
        primary_contact=primary_contact,
        start_reason=start_reason,
        started_at=started_at,
        discharged_at=discharged_at,
        arrived_home_at=arrived_home_at,
        previous=previous,
        started_by=actor if actor is not None and actor.is_authenticated else None,
    )
    pathway.full_clean()
    pathway.save()
    planned = rules.plan_pathway(rule_definitions, pathway_anchors(pathway))
    created = _create_instances(
        pathway=pathway, planned=planned, by_code={d.code: d for d in definitions}
    )
    audit_record(
        actor=actor,
        verb=AuditVerb.PATHWAY_STARTED,
        patient_id=patient.pk,
        target=pathway,
        data={
            "template": version.template.code,
            "version": version.number,
            "unit": unit.code,
            "start_reason": start_reason,
            "previous": previous.pk if previous is not None else None,
            "stop_points": [sp.definition.code for sp in created],
        },
    )
    return pathway


def pathway_start(
    *,
    actor: User,
    patient: Patient,
    version: models.TemplateVersion,
    unit: Unit,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
    primary_contact: User | None = None,
    previous: models.Pathway | None = None,
    now: datetime | None = None,
) -> models.Pathway:
    """Start a pathway on a published template version and plan its stop points.

    A pathway that does not start with a discharge starts at home: the stop points anchored
    on the arrival home count from ``started_at``. Stop points anchored on a time not known
    yet (the arrival home after a discharge) are planned by ``pathway_anchors_set`` later.
    Refuses a second running pathway of the same template for the patient, unless it is
    ``previous`` (which then ends: the new pathway follows it). ``primary_contact`` defaults to
    the patient's primary contact.
    """
    now = now or timezone.now()
    if not version.is_published:
        raise ValidationError(
            _("Only a published template version can be started."), code="unpublished"
        )
    if start_reason not in models.Pathway.StartReason.values:
        raise ValidationError(_("Choose a start reason."), code="start_reason")
    _validate_anchors(
        started_at=started_at, discharged_at=discharged_at, arrived_home_at=arrived_home_at
    )
    if started_at > now + FUTURE_TOLERANCE:
        raise ValidationError(_("A pathway cannot start in the future."), code="future")
    template = version.template
    if template.organisation_id is not None and template.organisation_id != unit.organisation_id:
        raise ValidationError(
            _("This template belongs to another organisation."), code="wrong_organisation"
        )
    if previous is not None and previous.patient_id != patient.pk:
        raise ValidationError(
            _("The previous pathway belongs to another patient."), code="wrong_patient"
        )
    if primary_contact is None:
        primary_contact = patient.primary_contact
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise starts
        running = models.Pathway.objects.filter(
            patient=patient, version__template=template, ended_at__isnull=True
        )
        if previous is not None:
            running = running.exclude(pk=previous.pk)
        if running.exists():
            raise ValidationError(
                _("The patient already has a running pathway of this kind."),
                code="already_running",
            )
        if previous is not None and previous.ended_at is None:
            previous.ended_at = started_at
            previous.end_reason = END_REASON_READMITTED
            previous.full_clean()
            previous.save(update_fields=["ended_at", "end_reason", "updated_at"])
        return _pathway_create(
            actor=actor,
            patient=patient,
            version=version,
            unit=unit,
            start_reason=start_reason,
            started_at=started_at,
            discharged_at=discharged_at,
            arrived_home_at=arrived_home_at,
            primary_contact=primary_contact,
            previous=previous,
        )


def pathway_anchors_set(
    *,
    actor: User,
    pathway: models.Pathway,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
    now: datetime | None = None,
) -> list[models.StopPoint]:
    """Register the discharge and/or the arrival home of a running pathway.

    Plans the start stop points that were waiting for that time (``rules.instances_for_anchor``).
    A time already registered cannot be changed here. Returns the new instances.
    """
    now = now or timezone.now()
    _check_aware(discharged_at=discharged_at, arrived_home_at=arrived_home_at)
    for name, value in (("discharged_at", discharged_at), ("arrived_home_at", arrived_home_at)):
        if value is not None and getattr(pathway, name) is not None:
            raise ValidationError(_("This time is already registered."), code="already_set")
        if value is not None and value > now + FUTURE_TOLERANCE:
            raise ValidationError(_("The time cannot be in the future."), code="future")
    if pathway.ended_at is not None:
        raise ValidationError(_("The pathway has ended."), code="ended")
    with transaction.atomic():
        pathway = models.Pathway.objects.select_for_update().get(pk=pathway.pk)
        pathway.discharged_at = discharged_at or pathway.discharged_at
        pathway.arrived_home_at = arrived_home_at or pathway.arrived_home_at
        _validate_anchors(
            started_at=pathway.started_at,
            discharged_at=pathway.discharged_at,
            arrived_home_at=pathway.arrived_home_at,
        )
        pathway.full_clean()
        pathway.save(update_fields=["discharged_at", "arrived_home_at", "updated_at"])
        definitions = _definitions(pathway.version)
        existing = set(pathway.stop_points.values_list("definition__code", flat=True))
        planned: list[rules.PlannedStopPoint] = []
        for anchor, value in (
            (rules.Anchor.DISCHARGE, discharged_at),
            (rules.Anchor.ARRIVAL_HOME, arrived_home_at),
        ):
            if value is not None:
                planned += rules.instances_for_anchor(
                    _rule_definitions(definitions), pathway_anchors(pathway), anchor
                )
        planned = [p for p in planned if p.code not in existing]
        created = _create_instances(
            pathway=pathway, planned=planned, by_code={d.code: d for d in definitions}
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.EVENT_RECORDED,
            patient_id=pathway.patient_id,
            target=pathway,
            data={
                "anchors": [
                    n
                    for n, v in (
                        ("discharged_at", discharged_at),
                        ("arrived_home_at", arrived_home_at),
                    )
                    if v is not None
                ],
                "stop_points": [sp.definition.code for sp in created],
            },
        )
    return created


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


def _active_pathways(patient: Patient) -> list[models.Pathway]:
    return list(
        models.Pathway.objects.select_for_update()
        .filter(patient=patient, ended_at__isnull=True)
        .select_related("version__template", "unit")
        .order_by("-started_at", "-pk")
    )


def _open_admission(patient: Patient, *, before: datetime) -> models.PathwayEvent | None:
    """The patient's latest admission not yet followed by a return home, if any."""
    last = (
        models.PathwayEvent.objects.filter(
            patient=patient,
            kind__in=[EventKind.ADMISSION, EventKind.RETURN_HOME],
            occurred_at__lte=before,
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return last if last is not None and last.kind == EventKind.ADMISSION else None


def event_record(
    *,
    actor: User,
    patient: Patient,
    kind: str,
    occurred_at: datetime,
    note: str = "",
    ward: Unit | None = None,
    now: datetime | None = None,
) -> models.PathwayEvent:
    """Record something that happened to the patient and let the running pathways react.

    * fall, decline, out-of-hours contact: open the stop points the template triggers on it
      (HPH4; it repeats, so several may be open). With several running pathways, they open
      once, in the newest pathway whose template reacts to the event (which the event is
      then linked to).
    * admission: interrupt every open stop point of the running pathways (not counted as
      missed), open the admission report (HPH6, due 3 hours later), and with ``ward`` admit a
      hospital stay.
    * return home: each pathway running at the admission ends and a new pathway on the same
      template version starts, linked as its ``previous`` (a readmission), with discharge and
      arrival home at ``occurred_at``; the open hospital stay is discharged.
    * death, services ended: interrupt the open stop points and end the pathways.
    """
    now = now or timezone.now()
    if kind not in EventKind.values:
        raise ValidationError(_("Choose what happened."), code="kind")
    _check_aware(occurred_at=occurred_at)
    if occurred_at > now + FUTURE_TOLERANCE:
        raise ValidationError(_("An event cannot be in the future."), code="future")
    if ward is not None and kind != EventKind.ADMISSION:
        raise ValidationError(_("A ward is given only for an admission."), code="ward")
    event_kind = rules.EventKind(kind)
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise events
        pathways = _active_pathways(patient)
        admission = _open_admission(patient, before=occurred_at)
        open_stay = patient.stays.filter(discharged_at__isnull=True).first()
        if kind == EventKind.RETURN_HOME and admission is None and open_stay is None:
            raise ValidationError(
                _("The patient is not registered as admitted."), code="not_admitted"
            )
        event = models.PathwayEvent(
            patient=patient,
            pathway=pathways[0] if pathways else None,
            kind=kind,
            occurred_at=occurred_at,
            note=note.strip(),
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        event.full_clean()
        event.save()
        data: dict[str, Any] = {"kind": kind, "pathways": [p.pk for p in pathways]}
        interrupted: list[models.StopPoint] = []
        opened: list[models.StopPoint] = []
        started: list[models.Pathway] = []

        if event_kind in rules.INTERRUPTING_EVENTS:
            for pathway in pathways:
                interrupted += _interrupt(pathway, at=occurred_at)

        if kind == EventKind.RETURN_HOME:
            admitted_at = admission.occurred_at if admission is not None else open_stay.admitted_at  # type: ignore[union-attr]
            for pathway in pathways:
                if pathway.started_at > admitted_at:
                    continue
                interrupted += _interrupt(pathway, at=occurred_at, only_not_passed=True)
                pathway.ended_at = occurred_at
                pathway.end_reason = END_REASON_READMITTED
                pathway.full_clean()
                pathway.save(update_fields=["ended_at", "end_reason", "updated_at"])
                started.append(
                    _pathway_create(
                        actor=actor,
                        patient=patient,
                        version=pathway.version,
                        unit=pathway.unit,
                        start_reason=models.Pathway.StartReason.DISCHARGE,
                        started_at=occurred_at,
                        discharged_at=occurred_at,
                        arrived_home_at=occurred_at,
                        primary_contact=pathway.primary_contact,
                        previous=pathway,
                    )
                )
            if open_stay is not None:
                hospital_stay_discharge(actor=actor, stay=open_stay, discharged_at=occurred_at)
        elif kind in (EventKind.DEATH, EventKind.SERVICES_ENDED):
            for pathway in pathways:
                pathway.ended_at = occurred_at
                pathway.end_reason = kind
                pathway.full_clean()
                pathway.save(update_fields=["ended_at", "end_reason", "updated_at"])
        else:
            for pathway in pathways:
                definitions = _definitions(pathway.version)
                planned = rules.instances_for_event(
                    _rule_definitions(definitions),
                    event_kind,
                    occurred_at,
                    anchors=pathway_anchors(pathway),
                    open_codes=_open_codes(pathway),
                )
                if not planned:
                    continue
                # The event happened to the patient, not to one pathway: its stop points open
                # once, in the newest running pathway whose template reacts to it.
                opened += _create_instances(
                    pathway=pathway,
                    planned=planned,
                    by_code={d.code: d for d in definitions},
                    event=event,
                )
                if event.pathway_id != pathway.pk:
                    event.pathway = pathway
                    event.save(update_fields=["pathway", "updated_at"])
                break
            if kind == EventKind.ADMISSION:
                previous_discharge = max(
                    (p.discharged_at for p in pathways if p.discharged_at is not None),
                    default=None,
                )
                data["readmission"] = rules.is_readmission(previous_discharge, occurred_at)
                if ward is not None:
                    hospital_stay_admit(
                        actor=actor, patient=patient, ward=ward, admitted_at=occurred_at
                    )
                    data["ward"] = ward.code

        data["interrupted"] = [sp.pk for sp in interrupted]
        data["opened"] = [sp.definition.code for sp in opened]
        data["started"] = [p.pk for p in started]
        audit_record(
            actor=actor,
            verb=AuditVerb.EVENT_RECORDED,
            patient_id=patient.pk,
            target=event,
            data=data,
        )
    return event


# --------------------------------------------------------------------------------------------
# Checklists
# --------------------------------------------------------------------------------------------


def _choice_values(item: models.ChecklistItem) -> list[str]:
    values: list[str] = []
    for choice in item.choices or []:
        if isinstance(choice, dict):
            values.append(str(choice.get("value", choice.get("key", choice.get("label", "")))))
        else:
            values.append(str(choice))
    return values


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_value")


def _clean_number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise _invalid(_("Enter a number."))
    if isinstance(value, str):
        value = value.strip().replace(",", ".").replace(" ", "")
    try:
        number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as exc:
        raise _invalid(_("Enter a number.")) from exc
    if not number.is_finite():
        raise _invalid(_("Enter a number."))
    if number == number.to_integral_value():
        return int(number)
    return float(number)


WHAT_MATTERS_SCORING_KINDS = ("baseline", "follow_up")


def _clean_what_matters_link(value: dict[str, Any]) -> dict[str, Any]:
    """A "what matters" item answered by a scoring on the goals page.

    The goals app records it (``{"scoring": pk, "kind": "baseline", "scored_on": iso date}``);
    pathways does not import goals, so only the shape is checked here.
    """
    scoring = value.get("scoring")
    kind = value.get("kind")
    if isinstance(scoring, bool) or not isinstance(scoring, int) or scoring < 1:
        raise _invalid(_("Link the answer to a scoring of the patient's goals."))
    if kind not in WHAT_MATTERS_SCORING_KINDS:
        raise _invalid(_("Link the answer to a scoring of the patient's goals."))
    cleaned: dict[str, Any] = {"scoring": scoring, "kind": kind}
    scored_on = value.get("scored_on")
    if scored_on is not None:
        try:
            cleaned["scored_on"] = date.fromisoformat(str(scored_on)).isoformat()
        except ValueError as exc:
            raise _invalid(_("Enter a date.")) from exc
    return cleaned


def _clean_value(item: models.ChecklistItem, value: Any) -> Any:
    """The value to store for ``item``, validated for its kind (JSON-serialisable)."""
    kind = item.kind
    kinds = models.ChecklistItem.Kind
    if kind == kinds.YES_NO:
        if not isinstance(value, bool):
            raise _invalid(_("Answer yes or no."))
        return value
    if kind == kinds.NUMBER:
        return _clean_number(value)
    if kind == kinds.SINGLE_CHOICE:
        if not isinstance(value, str) or value not in _choice_values(item):
            raise _invalid(_("Choose one of the options."))
        return value
    if kind == kinds.MULTIPLE_CHOICE:
        if isinstance(value, str) or not isinstance(value, (list, tuple, set, frozenset)):
            raise _invalid(_("Choose among the options."))
        allowed = _choice_values(item)
        chosen = [str(v) for v in value]
        if any(v not in allowed for v in chosen) or len(set(chosen)) != len(chosen):
            raise _invalid(_("Choose among the options."))
        return [v for v in allowed if v in chosen]  # in the template's order
    if kind == kinds.DATE:
        if isinstance(value, datetime):
            raise _invalid(_("Enter a date."))
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError as exc:
            raise _invalid(_("Enter a date.")) from exc
    if kind == kinds.WHAT_MATTERS and isinstance(value, dict):
        return _clean_what_matters_link(value)
    # text, and a note from a "what matters" conversation, are free text
    if not isinstance(value, str):
        raise _invalid(_("Enter text."))
    text = value.strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise _invalid(_("Write at most %(n)d characters.") % {"n": MAX_TEXT_ANSWER})
    return text or None


def checklist_answer_save(
    *,
    actor: User,
    stop_point: models.StopPoint,
    item_id: int,
    value: Any,
    not_relevant_reason: str = "",
    expected_revision: int,
    now: datetime | None = None,
) -> models.ChecklistAnswer:
    """Save one answer on a stop point's checklist.

    ``value`` is validated for the item's kind: yes/no a bool; number a Decimal, float, int
    or numeric string (the unit is the item's); single choice one of the options; multiple
    choice a subset; date a ``date`` or ISO string; text at most 2000 characters. A
    ``not_relevant_reason`` marks the item not relevant (only where the item allows it;
    ``value`` must then be empty). ``value=None`` without a reason clears the answer.
    Raises ``ChecklistConflict`` when ``expected_revision`` is not the stop point's revision.
    """
    now = now or timezone.now()
    reason = (not_relevant_reason or "").strip()
    with transaction.atomic():
        locked = _locked(stop_point)
        item = models.ChecklistItem.objects.filter(pk=item_id).first()
        if item is None or item.definition_id != locked.definition_id:
            raise ValidationError(
                _("This question does not belong to this checklist version."),
                code="wrong_version",
            )
        _check_open(locked)
        _check_revision(locked, expected_revision)
        if reason:
            if not item.allow_not_relevant:
                raise ValidationError(
                    _("This question cannot be marked not relevant."),
                    code="not_relevant_not_allowed",
                )
            if value not in (None, "", []):
                raise ValidationError(
                    _("Leave the answer empty when the question is not relevant."),
                    code="invalid_value",
                )
            if len(reason) > MAX_TEXT_ANSWER:
                raise ValidationError(
                    _("Write at most %(n)d characters.") % {"n": MAX_TEXT_ANSWER},
                    code="invalid_value",
                )
            cleaned = None
        elif value is None or value == "" or value == []:
            cleaned = None
        else:
            cleaned = _clean_value(item, value)
        answer = models.ChecklistAnswer.objects.filter(stop_point=locked, item=item).first()
        if answer is None:
            answer = models.ChecklistAnswer(stop_point=locked, item=item, revision=0)
        answer.value = cleaned
        answer.not_relevant_reason = reason
        answer.answered_by = actor
        answer.answered_at = now
        answer.revision += 1
        answer.full_clean()
        answer.save()
        locked.revision += 1
        locked.save(update_fields=["revision", "updated_at"])
        _sync(stop_point, locked, [])
        audit_record(
            actor=actor,
            verb=AuditVerb.CHECKLIST_ANSWERED,
            patient_id=locked.pathway.patient_id,
            target=locked,
            data={
                "item": item.key,
                "not_relevant": bool(reason),
                "cleared": cleaned is None and not reason,
            },
        )
    return answer


def _missing_required(stop_point: models.StopPoint) -> list[models.ChecklistItem]:
    answered = models.ChecklistAnswer.objects.filter(stop_point=stop_point).exclude(
        value__isnull=True, not_relevant_reason=""
    )
    return list(
        stop_point.definition.items.filter(required=True)
        .exclude(pk__in=answered.values("item_id"))
        .order_by("order", "pk")
    )


def stop_point_complete(
    *,
    actor: User,
    stop_point: models.StopPoint,
    expected_revision: int,
    now: datetime | None = None,
) -> models.StopPoint:
    """Sign the checklist: every required item must be answered (or not relevant).

    Opens the stop points triggered by this one's completion (``rules.instances_after_completion``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(stop_point)
        _check_open(locked)
        _check_revision(locked, expected_revision)
        missing = _missing_required(locked)
        if missing:
            error = ValidationError(
                _("Answer the required questions first: %(items)s"),
                code="required_missing",
                params={"items": "; ".join(item.text for item in missing)},
            )
            error.missing_item_ids = [item.pk for item in missing]  # type: ignore[attr-defined]
            raise error
        locked.completed_at = now
        locked.completed_by = actor
        locked.revision += 1
        locked.full_clean()
        locked.save(update_fields=["completed_at", "completed_by", "revision", "updated_at"])
        pathway = locked.pathway
        opened: list[models.StopPoint] = []
        if pathway.ended_at is None:
            definitions = _definitions(pathway.version)
            planned = rules.instances_after_completion(
                _rule_definitions(definitions),
                locked.definition.code,
                now,
                anchors=pathway_anchors(pathway),
                open_codes=_open_codes(pathway),
            )
            opened = _create_instances(
                pathway=pathway, planned=planned, by_code={d.code: d for d in definitions}
            )
        _sync(stop_point, locked, ["completed_at", "completed_by"])
        audit_record(
            actor=actor,
            verb=AuditVerb.CHECKLIST_COMPLETED,
            patient_id=pathway.patient_id,
            target=locked,
            data={
                "code": locked.definition.code,
                "on_time": stop_point_state(locked).deadline.is_met_by(now),
                "opened": [sp.definition.code for sp in opened],
            },
        )
    return stop_point


def stop_point_reopen(
    *,
    actor: User,
    stop_point: models.StopPoint,
    reason: str,
    now: datetime | None = None,
) -> models.StopPoint:
    """Reopen a signed (or not-relevant) stop point so it can be changed. A reason is required."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REOPEN_REASON:
        raise ValidationError(
            _("Explain why the checklist is reopened (at least %(n)d characters).")
            % {"n": MIN_REOPEN_REASON},
            code="reason",
        )
    with transaction.atomic():
        locked = _locked(stop_point)
        if locked.interrupted_at is not None:
            raise ValidationError(
                _("This stop point was interrupted and can no longer be changed."),
                code="interrupted",
            )
        if locked.completed_at is None and locked.not_relevant_at is None:
            raise ValidationError(_("This checklist is not signed."), code="not_closed")
        previous = {
            "completed_at": locked.completed_at.isoformat() if locked.completed_at else None,
            "completed_by": locked.completed_by_id,
            "not_relevant": locked.not_relevant_at is not None,
        }
        locked.completed_at = None
        locked.completed_by = None
        locked.not_relevant_at = None
        locked.not_relevant_reason = ""
        locked.revision += 1
        locked.full_clean()
        locked.save(
            update_fields=[
                "completed_at",
                "completed_by",
                "not_relevant_at",
                "not_relevant_reason",
                "revision",
                "updated_at",
            ]
        )
        _sync(
            stop_point,
            locked,
            ["completed_at", "completed_by", "not_relevant_at", "not_relevant_reason"],
        )
        audit_record(
            actor=actor,
            verb=AuditVerb.CHECKLIST_REOPENED,
            patient_id=locked.pathway.patient_id,
            target=locked,
            reason=reason,
            data={"code": locked.definition.code, **previous},
        )
    return stop_point


def stop_point_mark_not_relevant(
    *,
    actor: User,
    stop_point: models.StopPoint,
    reason: str,
    now: datetime | None = None,
) -> models.StopPoint:
    """Mark an open stop point not relevant for this patient (it then leaves the adherence count)."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Explain why the stop point is not relevant."), code="reason")
    with transaction.atomic():
        locked = _locked(stop_point)
        _check_open(locked)
        locked.not_relevant_at = now
        locked.not_relevant_reason = reason
        locked.revision += 1
        locked.full_clean()
        locked.save(
            update_fields=["not_relevant_at", "not_relevant_reason", "revision", "updated_at"]
        )
        _sync(stop_point, locked, ["not_relevant_at", "not_relevant_reason"])
        audit_record(
            actor=actor,
            verb=AuditVerb.STOP_POINT_NOT_RELEVANT,
            patient_id=locked.pathway.patient_id,
            target=locked,
            reason=reason,
            data={"code": locked.definition.code},
        )
    return stop_point


def stop_point_assign(
    *, actor: User, stop_point: models.StopPoint, assignee: User | None
) -> models.StopPoint:
    """Make a person responsible for a stop point (None: back to the pathway's primary contact)."""
    with transaction.atomic():
        locked = _locked(stop_point)
        if locked.interrupted_at is not None:
            raise ValidationError(
                _("This stop point was interrupted and can no longer be changed."),
                code="interrupted",
            )
        locked.assignee = assignee
        locked.revision += 1
        locked.full_clean()
        locked.save(update_fields=["assignee", "revision", "updated_at"])
        _sync(stop_point, locked, ["assignee"])
        audit_record(
            actor=actor,
            verb=AuditVerb.STOP_POINT_ASSIGNED,
            patient_id=locked.pathway.patient_id,
            target=locked,
            data={
                "code": locked.definition.code,
                "assigned_to": assignee.pk if assignee is not None else None,
            },
        )
    return stop_point
