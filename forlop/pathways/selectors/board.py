"""A unit's huddle board (tavlemøte): the unit's overdue and today's stop points, the patients
new since yesterday, and falls and admissions since yesterday.

Only a member of the unit gets it (``Http404`` otherwise, so the board never says whether a
unit exists), and only patients the viewer has a service need for through the unit's work
(``Patient.objects.visible_to(..., include_emergency=False)``: emergency access, granted to one
person for one patient, never puts a patient on the wall). One audit row per board read names
the patients shown. Three queries and the audit row, whatever the number of patients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.http import Http404

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Unit, User
from forlop.pathways import models
from forlop.pathways.selectors.worklist import WorkList, _listed
from forlop.patients.models import Patient

#: The events the board reports since yesterday.
BOARD_EVENT_KINDS = (models.EventKindChoices.FALL, models.EventKindChoices.ADMISSION)


@dataclass(frozen=True, slots=True)
class UnitBoard:
    unit: Unit
    work: WorkList
    new_pathways: list[models.Pathway]
    events: list[models.PathwayEvent]

    def patient_ids(self) -> list[int]:
        ids = set(self.work.patient_ids())
        ids.update(p.patient_id for p in self.new_pathways)
        ids.update(e.patient_id for e in self.events)
        return sorted(ids)


def board_units(*, user: User) -> QuerySet[Unit]:
    """The units whose board the user may open: those they hold an active membership in."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return (
        Unit.objects.filter(memberships__user=user, memberships__active=True)
        .distinct()
        .order_by("name")
    )


def board_unit_get_for_user(*, user: User, code: str) -> Unit:
    unit = board_units(user=user).filter(code=code).select_related("organisation").first()
    if unit is None:
        raise Http404
    return unit


def unit_board(*, user: User, unit: Unit, now: datetime, since: datetime) -> UnitBoard:
    """The board of ``unit`` as ``user`` may see it at ``now``; news from ``since`` on."""
    if not Membership.objects.filter(user=user, unit=unit, active=True).exists():
        raise Http404
    visible = Patient.objects.visible_to(user, now=now, include_emergency=False)
    stop_points = (
        models.StopPoint.objects.open()
        .in_running_pathways()
        .filter(pathway__unit=unit, pathway__patient__in=visible)
    )
    work = _listed(stop_points, now)
    # Only what is overdue or due today is on the board; the rest of the week is the list's.
    work = WorkList(overdue=work.overdue, due_today=work.due_today)
    new_pathways = list(
        models.Pathway.objects.filter(
            unit=unit,
            patient__in=visible,
            started_at__gte=since,
            started_at__lte=now,
            ended_at__isnull=True,
        )
        .select_related("patient", "version__template")
        .order_by("-started_at", "-pk")
    )
    events = list(
        models.PathwayEvent.objects.filter(
            kind__in=BOARD_EVENT_KINDS,
            occurred_at__gte=since,
            occurred_at__lte=now,
            patient__in=visible,
            patient__pathways__unit=unit,
        )
        .distinct()
        .select_related("patient")
        .order_by("-occurred_at", "-pk")
    )
    board = UnitBoard(unit=unit, work=work, new_pathways=new_pathways, events=events)
    audit_record(
        actor=user,
        verb=AuditVerb.WORKLIST_VIEWED,
        data={"unit": unit.code, "board": True, "patients": board.patient_ids()},
    )
    return board
