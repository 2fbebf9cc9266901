"""The pathway's own timeline as a page shows it: each time, who registered it, every
correction with the deadlines it moved, and what the viewer may do next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import formats, timezone

from forlop.core.models import Membership, User
from forlop.pathways import models, timeline
from forlop.pathways.mappers import TIME_FIELDS

T = timeline.TimeKind
HOSPITAL_TIMES = (T.READY_FOR_DISCHARGE, T.PLANNED_DISCHARGE, T.DISCHARGED, T.SHORT_STAY)


@dataclass(frozen=True, slots=True)
class TimeChange:
    change: models.PathwayTimeChange
    moved: list[str]
    """The deadlines it moved, in words ("HPH0 13.03.2026 18:00 → 14.03.2026 11:00")."""


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    kind: timeline.TimeKind
    label: str
    value: datetime | None
    registered: models.PathwayTimeChange | None
    changes: list[TimeChange] = field(default_factory=list)
    """Moves and corrections after the registration, oldest first."""
    may_correct: bool = False

    @property
    def is_set(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class TimelineView:
    pathway: models.Pathway
    entries: list[TimelineEntry]
    history: list[TimeChange]
    actions: list[str]
    """The actions the viewer may take now: "ready", "planned", "discharge", "short-stay",
    "arrival", "correct" (see ``forms.TIME_FORMS``)."""
    starts_at_home: bool

    @property
    def next_action(self) -> str:
        """The one action the pathway waits for, if the viewer may take it."""
        for action in ("ready", "discharge", "arrival"):
            if action in self.actions:
                return action
        return ""


def _move_words(move: dict[str, object]) -> str:
    def shown(iso: object, all_day: object) -> str:
        value = timezone.localtime(datetime.fromisoformat(str(iso)))
        return formats.date_format(
            value, "SHORT_DATE_FORMAT" if all_day else "SHORT_DATETIME_FORMAT"
        )

    return "{} {} → {}".format(
        move.get("code", ""),
        shown(move.get("before"), move.get("before_all_day")),
        shown(move.get("after"), move.get("after_all_day")),
    )


def user_roles(user: User) -> set[str]:
    return set(Membership.objects.filter(user=user, active=True).values_list("role", flat=True))


def pathway_timeline(*, pathway: models.Pathway, user: User) -> TimelineView:
    """The timeline of a pathway the user has already reached (``pathway_get_for_user``).

    Two queries: the changes and the user's roles. A pathway that starts at home shows no
    hospital times: it is home from its start.
    """
    roles = user_roles(user)
    changes = list(pathway.time_changes.select_related("changed_by").order_by("changed_at", "pk"))
    labels = dict(models.TimeKindChoices.choices)
    starts_at_home = pathway.start_reason != models.Pathway.StartReason.DISCHARGE
    kinds = [T.ARRIVED_HOME] if starts_at_home else list(T)
    entries: list[TimelineEntry] = []
    for kind in kinds:
        rows = [c for c in changes if c.kind == kind]
        registered = next((c for c in rows if c.action == c.Action.REGISTERED), None)
        later = [
            TimeChange(c, [_move_words(m) for m in c.moved or []])
            for c in rows
            if c is not registered
        ]
        value = getattr(pathway, TIME_FIELDS[kind])
        if starts_at_home and kind is T.ARRIVED_HOME and value is None:
            value = pathway.started_at
        entries.append(
            TimelineEntry(
                kind=kind,
                label=str(labels[kind.value]),
                value=value,
                registered=registered,
                changes=later,
                may_correct=value is not None
                and not (starts_at_home and kind is T.ARRIVED_HOME)
                and timeline.may_correct(kind, roles),
            )
        )
    actions: list[str] = []
    if pathway.ended_at is None and not starts_at_home:
        waiting_for_report = (
            pathway.ready_for_discharge_at is None and pathway.discharged_at is None
        )
        if waiting_for_report and timeline.may_register(T.READY_FOR_DISCHARGE, roles):
            actions.append("ready")
        plan_open = pathway.discharged_at is None and pathway.planned_discharge_at is not None
        if plan_open and timeline.may_correct(T.PLANNED_DISCHARGE, roles):
            actions.append("planned")
        if pathway.discharged_at is None and timeline.may_register(T.DISCHARGED, roles):
            actions.append("discharge")
        if (
            pathway.discharged_at is not None
            and pathway.short_stay_started_at is None
            and pathway.arrived_home_at is None
            and timeline.may_register(T.SHORT_STAY, roles)
        ):
            actions.append("short-stay")
        if (
            pathway.discharged_at is not None
            and pathway.arrived_home_at is None
            and timeline.may_register(T.ARRIVED_HOME, roles)
        ):
            actions.append("arrival")
    if pathway.ended_at is None and any(entry.may_correct for entry in entries):
        actions.append("correct")
    history = [TimeChange(c, [_move_words(m) for m in c.moved or []]) for c in reversed(changes)]
    return TimelineView(
        pathway=pathway,
        entries=entries,
        history=history,
        actions=actions,
        starts_at_home=starts_at_home,
    )
