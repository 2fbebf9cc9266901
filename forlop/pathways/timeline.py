"""The pathway's own timeline, as pure rules: what each registered time means, who may register
it, and which combinations of times are possible.

A discharge pathway (HPH) runs on these times, in this order:

1. **reported ready for discharge** (``ready_for_discharge``): the hospital reports the patient
   *utskrivningsklar*, with the **planned discharge** (``planned_discharge``). HPH starts here
   (Røsstad et al. 2013, figure 1: "It starts with the patient being reported as ready for
   discharge"), so HPH0 and HPH1 can be worked before the patient leaves;
2. **discharged** (``discharged``) from hospital, to home or to
3. an optional **short-term or intermediate stay** (``short_stay``: korttidsopphold,
   intermediæropphold, KAD) in the municipality (seed 002: "behov kartlagt innen tre dager,
   eventuelt først etter et intermediær-/korttidsopphold");
4. **arrived home** (``arrived_home``): HPH2's three days count from here.

A pathway that starts at home (a decline without a hospital stay) has none of the hospital
times: it is home from its start.

No Django, no ORM, no clock: ``now`` is a parameter.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar

from forlop.pathways.deadlines import RuleError, ensure_aware, utc

__all__ = [
    "CORRECTING_ROLES",
    "FUTURE_TOLERANCE",
    "PLANNED_AHEAD_MAX",
    "REGISTERING_ROLES",
    "TimeKind",
    "Timeline",
    "TimelineError",
    "may_correct",
    "may_register",
    "timeline_errors",
]


class TimeKind(StrEnum):
    """One time on the pathway's timeline (the Django choices use the same values)."""

    READY_FOR_DISCHARGE = "ready_for_discharge"
    PLANNED_DISCHARGE = "planned_discharge"
    DISCHARGED = "discharged"
    SHORT_STAY = "short_stay"
    ARRIVED_HOME = "arrived_home"


# A time a few minutes ahead of the server clock is a clock difference, not the future.
FUTURE_TOLERANCE = timedelta(minutes=5)
# A planned discharge more than a year ahead is a typing error (a wrong year), not a plan.
PLANNED_AHEAD_MAX = timedelta(days=366)

# Who may register each time: the roles that know it when it happens. A local default
# (docs/domain.md): the hospital reports the patient ready and plans the discharge, the
# allocation office receives the report and decides the services (and a short stay), the home
# care nurse meets the patient when the patient leaves hospital and comes home. Role values
# are ``core.models.Role`` values.
_HOSPITAL = "hospital_nurse"
_ALLOCATION = "allocation_office"
_NURSE = "primary_contact"
_LEADER = "unit_leader"

REGISTERING_ROLES: dict[TimeKind, frozenset[str]] = {
    TimeKind.READY_FOR_DISCHARGE: frozenset({_HOSPITAL, _ALLOCATION}),
    TimeKind.PLANNED_DISCHARGE: frozenset({_HOSPITAL, _ALLOCATION}),
    TimeKind.DISCHARGED: frozenset({_HOSPITAL, _ALLOCATION, _NURSE}),
    TimeKind.SHORT_STAY: frozenset({_HOSPITAL, _ALLOCATION, _NURSE}),
    TimeKind.ARRIVED_HOME: frozenset({_ALLOCATION, _NURSE}),
}
"""The roles that may register each time when it happens."""

CORRECTING_ROLES: dict[TimeKind, frozenset[str]] = {
    kind: roles | {_LEADER} for kind, roles in REGISTERING_ROLES.items()
}
"""The roles that may correct a registered time: those that register it, and unit leaders."""


def may_register(kind: TimeKind | str, roles: Collection[str]) -> bool:
    return bool(REGISTERING_ROLES[TimeKind(kind)] & set(roles))


def may_correct(kind: TimeKind | str, roles: Collection[str]) -> bool:
    return bool(CORRECTING_ROLES[TimeKind(kind)] & set(roles))


class TimelineError(RuleError):
    """Times that cannot all be true. ``code`` names the broken rule; the services translate it."""

    code: ClassVar[str] = "timeline"

    def __init__(self, code: str, kind: TimeKind) -> None:
        self.rule = code
        self.kind = kind
        super().__init__(f"{code} ({kind})")


@dataclass(frozen=True, slots=True)
class Timeline:
    """The registered times of one pathway (None: not registered)."""

    started_at: datetime
    ready_for_discharge_at: datetime | None = None
    planned_discharge_at: datetime | None = None
    discharged_at: datetime | None = None
    short_stay_started_at: datetime | None = None
    arrived_home_at: datetime | None = None

    def __post_init__(self) -> None:
        ensure_aware(self.started_at, "started_at")
        for kind in TimeKind:
            value = self.get(kind)
            if value is not None:
                ensure_aware(value, kind.value)

    def get(self, kind: TimeKind) -> datetime | None:
        return getattr(self, _FIELDS[kind])  # type: ignore[no-any-return]

    def with_time(self, kind: TimeKind, value: datetime | None) -> Timeline:
        return replace(self, **{_FIELDS[kind]: value})  # type: ignore[arg-type]

    @property
    def planned_or_actual_discharge(self) -> datetime | None:
        """When the patient leaves hospital: the discharge once it happened, else the plan."""
        return self.discharged_at if self.discharged_at is not None else self.planned_discharge_at


_FIELDS: dict[TimeKind, str] = {
    TimeKind.READY_FOR_DISCHARGE: "ready_for_discharge_at",
    TimeKind.PLANNED_DISCHARGE: "planned_discharge_at",
    TimeKind.DISCHARGED: "discharged_at",
    TimeKind.SHORT_STAY: "short_stay_started_at",
    TimeKind.ARRIVED_HOME: "arrived_home_at",
}

# Rule codes (``TimelineError.rule``), in the order they are checked.
IN_FUTURE = "in_future"
PLANNED_TOO_FAR = "planned_too_far"
PLANNED_BEFORE_READY = "planned_before_ready"
DISCHARGE_BEFORE_READY = "discharge_before_ready"
SHORT_STAY_BEFORE_DISCHARGE = "short_stay_before_discharge"
SHORT_STAY_WITHOUT_DISCHARGE = "short_stay_without_discharge"
ARRIVAL_BEFORE_DISCHARGE = "arrival_before_discharge"
ARRIVAL_BEFORE_SHORT_STAY = "arrival_before_short_stay"


def _before(a: datetime | None, b: datetime | None) -> bool:
    """Whether both are known and ``a`` is strictly before ``b``."""
    return a is not None and b is not None and utc(a) < utc(b)


def timeline_errors(timeline: Timeline, *, now: datetime) -> list[TimelineError]:
    """Every rule the times break, as errors naming the rule and the time to correct.

    * Times that happened (ready, discharged, short stay, arrived home) are not in the future
      (beyond ``FUTURE_TOLERANCE``); a planned discharge may be, but at most
      ``PLANNED_AHEAD_MAX`` ahead.
    * The planned discharge and the discharge are not before the ready-for-discharge report.
    * A short stay starts after the discharge (and needs one); the arrival home is after the
      discharge and after the start of the short stay.
    """
    ensure_aware(now, "now")
    errors: list[TimelineError] = []
    limit = utc(now) + FUTURE_TOLERANCE
    for kind in (
        TimeKind.READY_FOR_DISCHARGE,
        TimeKind.DISCHARGED,
        TimeKind.SHORT_STAY,
        TimeKind.ARRIVED_HOME,
    ):
        value = timeline.get(kind)
        if value is not None and utc(value) > limit:
            errors.append(TimelineError(IN_FUTURE, kind))
    planned = timeline.planned_discharge_at
    if planned is not None and utc(planned) > utc(now) + PLANNED_AHEAD_MAX:
        errors.append(TimelineError(PLANNED_TOO_FAR, TimeKind.PLANNED_DISCHARGE))
    ready = timeline.ready_for_discharge_at
    if _before(planned, ready):
        errors.append(TimelineError(PLANNED_BEFORE_READY, TimeKind.PLANNED_DISCHARGE))
    if _before(timeline.discharged_at, ready):
        errors.append(TimelineError(DISCHARGE_BEFORE_READY, TimeKind.DISCHARGED))
    stay = timeline.short_stay_started_at
    if stay is not None and timeline.discharged_at is None:
        errors.append(TimelineError(SHORT_STAY_WITHOUT_DISCHARGE, TimeKind.SHORT_STAY))
    if _before(stay, timeline.discharged_at):
        errors.append(TimelineError(SHORT_STAY_BEFORE_DISCHARGE, TimeKind.SHORT_STAY))
    if _before(timeline.arrived_home_at, timeline.discharged_at):
        errors.append(TimelineError(ARRIVAL_BEFORE_DISCHARGE, TimeKind.ARRIVED_HOME))
    if _before(timeline.arrived_home_at, stay):
        errors.append(TimelineError(ARRIVAL_BEFORE_SHORT_STAY, TimeKind.ARRIVED_HOME))
    return errors
