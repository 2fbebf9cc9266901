"""The system's draft of a status report, from the team's own data: the tasks done since the
last gathering, the aims and their measure charts, and the changes tested (PDSA).

Each section comes from a builder; ``SECTION_BUILDERS`` lists them in order. The PDSA
section asks the registered **cycle sources**: issue 13 adds PDSA cycles and registers one
with ``register_cycle_source`` (a ``CycleSource`` returns ``CycleSummary`` values for a team
and a window), so the draft, the report and the poster pick them up with no other change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forlop.improvement import rules
from forlop.improvement.charts import AimChart, role_label
from forlop.improvement.models import Gathering, Team
from forlop.improvement.selectors import TeamDeadlines


@dataclass(frozen=True, slots=True)
class CycleSummary:
    title: str
    started_on: date
    stage: str
    learned: str


class CycleSource(Protocol):
    def cycles_for(self, *, team: Team, since: date, until: date) -> Sequence[CycleSummary]: ...


@dataclass(frozen=True, slots=True)
class DraftContext:
    team: Team
    gathering: Gathering
    since: date
    until: date
    today: date
    deadlines: TeamDeadlines
    charts: Sequence[AimChart]


Builder = Callable[[DraftContext], tuple[str, str] | None]
_cycle_sources: list[CycleSource] = []


def register_cycle_source(source: CycleSource) -> None:
    """Add a cycle source (idempotent by type: ``ready()`` may run more than once in tests)."""
    if not any(type(existing) is type(source) for existing in _cycle_sources):
        _cycle_sources.append(source)


def _day(day: date) -> str:
    return date_format(day, "j. F Y")


def work_done(ctx: DraftContext) -> tuple[str, str] | None:
    lines: list[str] = []
    rows = [row for rows in ctx.deadlines.tasks.values() for row in rows]
    done = [r for r in rows if r.done_on is not None and ctx.since <= r.done_on <= ctx.until]
    for row in sorted(done, key=lambda r: r.done_on or date.min):
        assert row.done_on is not None  # noqa: S101 - filtered above
        line = f"- {_(row.task.title)} ({_day(row.done_on)})"
        lines.append(line + (f": {row.note}" if row.note else ""))
    phase = rules.PHASE_AFTER_GATHERING.get(
        (ctx.gathering.number or 1) - 1, rules.Phase.PREPARATION
    )
    missing = [
        r for r in ctx.deadlines.tasks.get(phase, []) if r.done_on is None and not r.task.derived
    ]
    if missing:
        lines.append("")
        lines.append(_("Not done yet:"))
        lines.extend(f"- {_(row.task.title)}" for row in missing)
    if ctx.gathering.number == 1:
        team = ctx.team
        if team.interview_summary:
            lines += ["", _("What the interviews taught us:"), team.interview_summary]
        areas = list(team.improvement_areas.all())
        if areas:
            lines += ["", _("Improvement areas:")]
            lines.extend(f"- {area.title}" for area in areas)
    return ("work_done", "\n".join(lines).strip()) if lines else None


def aims_and_measures(ctx: DraftContext) -> tuple[str, str] | None:
    lines: list[str] = []
    seen: set[int] = set()
    for chart in ctx.charts:
        if chart.aim.pk not in seen:
            seen.add(chart.aim.pk)
            if lines:
                lines.append("")
            aim = chart.aim
            target = ""
            if chart.target:
                target = " " + _("(target %(value)s)") % {"value": chart.target}
                if aim.target_date:
                    target = " " + _("(target %(value)s by %(date)s)") % {
                        "value": chart.target,
                        "date": _day(aim.target_date),
                    }
            lines.append(f"{_('Aim')}: {aim.statement}{target}")
        signals = " ".join(chart.series.signals)
        lines.append(
            f"- {role_label(chart.role)}: {_(chart.measure.name)}. "
            f"{_('Last value')}: {chart.latest}. {signals}".rstrip()
        )
    return ("aims_and_measures", "\n".join(lines)) if lines else None


def pdsa(ctx: DraftContext) -> tuple[str, str] | None:
    cycles = [
        cycle
        for source in _cycle_sources
        for cycle in source.cycles_for(team=ctx.team, since=ctx.since, until=ctx.until)
    ]
    if not cycles:
        return None
    lines = [
        f"- {cycle.title} ({_day(cycle.started_on)}, {cycle.stage})"
        + (f": {cycle.learned}" if cycle.learned else "")
        for cycle in sorted(cycles, key=lambda c: c.started_on)
    ]
    return "pdsa", "\n".join(lines)


SECTION_BUILDERS: list[Builder] = [work_done, aims_and_measures, pdsa]
#: The sections the system drafts (the others are the team's own words).
DRAFTED = ("work_done", "aims_and_measures", "pdsa")


def draft_sections(ctx: DraftContext) -> dict[str, str]:
    sections: dict[str, str] = dict.fromkeys(DRAFTED, "")
    for builder in SECTION_BUILDERS:
        result = builder(ctx)
        if result is not None:
            name, text = result
            sections[name] = text
    return sections
