"""The generator's constants, the templates it reads once, and synthetic identity numbers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from stdnum.no import fodselsnummer

from forlop.authoring.defaults import install_national_defaults
from forlop.core.identifiers.person import SYNTHETIC_MONTH_OFFSET
from forlop.core.tz import OSLO
from forlop.pathways.models import Pathway, StopPointDefinition, TemplateVersion

PREFIX = "synth"
BATCH_PATIENTS = 1000  # patients per transaction; their pathways and stop points go with them

TEMPLATE_FOR = {
    Pathway.StartReason.DISCHARGE: "hph",
    Pathway.StartReason.NEW_USER: "general",
    Pathway.StartReason.DECLINE: "decline-at-home",
    Pathway.StartReason.ANNUAL_REVIEW: "annual-review",
}
# Discharges dominate: HPH is the pathway the network measures.
REASON_WEIGHTS = (
    (Pathway.StartReason.DISCHARGE, 0.6),
    (Pathway.StartReason.NEW_USER, 0.15),
    (Pathway.StartReason.DECLINE, 0.15),
    (Pathway.StartReason.ANNUAL_REVIEW, 0.1),
)
PATHWAY_DAYS = {"hph": 35, "general": 70, "decline-at-home": 35, "annual-review": 380}
ACTIVE_SHARE = 0.25
READMISSION_CHANCE = 0.15
FALL_CHANCE = 0.2


@dataclass
class Summary:
    municipalities: int = 0
    patients: int = 0
    pathways: int = 0
    stop_points: int = 0
    events: int = 0
    goals: int = 0
    scorings: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    def add(self, other: Summary) -> None:
        for name, value in other.__dict__.items():
            setattr(self, name, getattr(self, name) + value)


@dataclass(frozen=True)
class _Def:
    """What the generator needs of a stop-point definition, read once."""

    pk: int
    code: str
    days: int | None  # None: an hours deadline
    hours: int
    anchor_home: bool
    event_kinds: tuple[str, ...]

    @cached_property
    def days_delta(self) -> timedelta:
        return timedelta(days=self.days or 0)

    @cached_property
    def hours_delta(self) -> timedelta:
        return timedelta(hours=self.hours)


@dataclass
class _Template:
    version_id: int
    code: str
    chain: list[_Def] = field(default_factory=list)
    on_event: list[_Def] = field(default_factory=list)

    @cached_property
    def on_event_of(self) -> dict[str, list[_Def]]:
        """The event-triggered definitions for each kind of event, in their order."""
        return {
            kind: [d for d in self.on_event if kind in d.event_kinds]
            for kind in ("fall", "admission")
        }


def _as_days(d: StopPointDefinition) -> int | None:
    unit = d.deadline_unit
    if unit == "hours":
        return None
    factor = {"calendar_days": 1, "working_days": 7 / 5, "weeks": 7, "months": 30}.get(unit, 1)
    return round(d.deadline_amount * factor)


def _templates() -> dict[str, _Template]:
    out: dict[str, _Template] = {}
    for code, template in install_national_defaults().items():
        version = (
            template.versions.filter(status=TemplateVersion.Status.PUBLISHED)
            .order_by("-number")
            .first()
        )
        if version is None:
            continue
        entry = _Template(version_id=version.pk, code=template.code)
        for d in version.definitions.order_by("order", "pk"):
            spec = _Def(
                pk=d.pk,
                code=d.code,
                days=_as_days(d),
                hours=d.deadline_amount,
                anchor_home=d.anchor == "arrival_home",
                event_kinds=tuple(d.trigger_events or ()),
            )
            if d.trigger == "event":
                entry.on_event.append(spec)
            elif d.in_chain:  # the daily visits are not in the chain: left out
                entry.chain.append(spec)
        out[code] = entry
    return out


class IdentityNumbers:
    """Unique synthetic fødselsnumre: patient ``i`` (counted over the whole database) gets a
    birth date from a fixed cycle of dates (1926-1959) and, of that date's individual numbers
    that take check digits (python-stdnum's ``calc_check_digit1``/``2``), the one after those
    of the patients before it on that date. Deterministic, unique, about 400 numbers per date
    (over five million in all), and computed from ``i`` alone (``at``), so processes that
    write different municipalities at once need no shared counter."""

    FIRST = date(1926, 1, 1)
    DAYS = (date(1959, 12, 31) - date(1926, 1, 1)).days + 1
    STEP = 7919  # prime and coprime with DAYS: a spread over the dates, a full cycle

    def __init__(self, start: int = 0) -> None:
        self._count = start
        self._valid: dict[int, list[str]] = {}

    def take(self) -> tuple[str, date]:
        self._count += 1
        return self.at(self._count - 1)

    def at(self, index: int) -> tuple[str, date]:
        # Patients i and j share a date exactly when i = j (mod DAYS): i is the (i // DAYS)-th.
        offset = (index * self.STEP) % self.DAYS
        birth = self.FIRST + timedelta(days=offset)
        valid = self._valid.setdefault(offset, [])
        wanted = index // self.DAYS
        if wanted >= len(valid):
            self._extend(valid, birth, wanted)
        return valid[wanted], birth

    def _extend(self, valid: list[str], birth: date, wanted: int) -> None:
        """Append ``birth``'s next valid numbers, in order, until ``valid[wanted]`` exists."""
        individuals = [*range(500), *range(900, 1000)] if birth.year >= 1940 else list(range(500))
        prefix = f"{birth.day:02d}{birth.month + SYNTHETIC_MONTH_OFFSET:02d}{birth.year % 100:02d}"
        after = int(valid[-1][6:9]) if valid else -1
        for individual in individuals:
            if individual <= after:
                continue
            first_nine = f"{prefix}{individual:03d}"
            k1 = fodselsnummer.calc_check_digit1(first_nine)
            if len(k1) != 1:
                continue
            k2 = fodselsnummer.calc_check_digit2(first_nine + k1)
            if len(k2) != 1:
                continue
            valid.append(first_nine + k1 + k2)
            if len(valid) > wanted:
                return
        raise ValueError("synthetic identity numbers for this date range are used up")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO)


def _batches(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(size, total - start)
