"""The shipped measures, as data: local defaults derived from the HPH structure.

FHI's official list of measurement points was not found in public material, so these are
*local defaults* (``Measure.local_default``), derived from the HPH stop points
(the HPH stop points and the learning network's advice to measure what the pathway
changes: Gode pasientforløp, KS/FHI). Names and texts are English msgids, marked for
translation; the rows store the English text and the pages translate known defaults.

``install_default_measures()`` is idempotent: a default is found by its code and updated to
the definition here, so a changed text ships with the next install.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from forlop.measures.models import Boundary, ChartKind, Computation, Direction, Measure, Period


@dataclass(frozen=True, slots=True)
class MeasureSpec:
    code: str
    name: str
    description: str
    numerator: str
    denominator: str
    population: str
    computation: str
    boundary: str
    direction: str
    chart: str
    parameters: dict[str, Any] = field(default_factory=dict)
    period: str = Period.MONTH
    is_proportion: bool = True
    target: float | None = None


def _on_time(code: str, days: int, title: str, target: float) -> MeasureSpec:
    return MeasureSpec(
        code=f"{code.lower()}-within-{days}-days",
        name=title,
        description=gettext_noop(
            "Local default derived from the HPH stop point. Measures whether the stop point is "
            "done by its deadline, which the pathway template sets."
        ),
        numerator=gettext_noop("Stop points completed no later than the end of their deadline."),
        denominator=gettext_noop(
            "Stop points (first occurrence) whose deadline falls in the period and has passed, "
            "or that were completed; not counting those marked not relevant or interrupted."
        ),
        population=gettext_noop(
            "By stop-point deadline: a stop point belongs to the period (Europe/Oslo calendar) "
            "of its deadline. Stop points completed after the as-of time count as not "
            "completed; pathways registered after it are left out."
        ),
        computation=Computation.STOP_POINT_ON_TIME,
        parameters={"stop_point": code},
        boundary=Boundary.DEADLINE,
        direction=Direction.UP,
        chart=ChartKind.P,
        target=target,
    )


def _days_at_home(days: int) -> MeasureSpec:
    return MeasureSpec(
        code=f"days-at-home-{days}-days",
        name=(
            gettext_noop("Days at home in the 30 days after discharge")
            if days == 30
            else gettext_noop("Days at home in the 90 days after discharge")
        ),
        description=gettext_noop(
            "Outcome measure: mean number of days the patient was alive and at home in the "
            "days after a discharge from hospital (after 'days at home' as an outcome, Myles "
            "et al. 2017; the HPH trial followed readmissions, nursing-home admissions and "
            "deaths). Local default. Not at home: a short-term or intermediate stay (or KAD) "
            "on the pathway's timeline before the arrival home, a hospital stay, and the days "
            "after a move to a nursing home or death. An admission recorded without a "
            "hospital stay counts from the admission to the return home (to the end of the "
            "window while no return is recorded)."
        ),
        numerator=gettext_noop(
            "Sum over pathways of the days at home in the window (from the discharge, less "
            "the days away)."
        ),
        denominator=(
            gettext_noop(
                "Pathways started by a discharge from hospital, with the discharge in the "
                "period and at least 30 days before the as-of time."
            )
            if days == 30
            else gettext_noop(
                "Pathways started by a discharge from hospital, with the discharge in the "
                "period and at least 90 days before the as-of time."
            )
        ),
        population=gettext_noop(
            "By discharge date (Europe/Oslo calendar). A pathway whose window is not over yet "
            "is not in the denominator; the page shows how many. Stays and events recorded "
            "after the as-of time do not count."
        ),
        computation=Computation.DAYS_AT_HOME,
        parameters={"days": days},
        boundary=Boundary.DISCHARGE,
        direction=Direction.UP,
        chart=ChartKind.I,
        is_proportion=False,
    )


DEFAULT_MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec(
        code="goals-recorded",
        name=gettext_noop("Goals recorded (what matters to you?)"),
        description=gettext_noop(
            "Share of pathways with a 'what matters to you?' conversation and goals recorded, "
            "for every pathway kind that asks it."
        ),
        numerator=gettext_noop(
            "Pathways where the patient has at least one goal recorded from 30 days before the "
            "pathway started to 14 days after, or goals scored in the pathway by 14 days after "
            "its start."
        ),
        denominator=gettext_noop(
            "Pathways started in the period whose template has a 'what matters to you?' item: "
            "a discharge, a new user, a decline at home or an annual review."
        ),
        population=gettext_noop(
            "By pathway start (Europe/Oslo calendar). Goals recorded after the as-of time do "
            "not count; pathways registered after it are left out."
        ),
        computation=Computation.GOALS_RECORDED,
        boundary=Boundary.PATHWAY_START,
        direction=Direction.UP,
        chart=ChartKind.P,
        target=0.9,
    ),
    _on_time("HPH2", 3, gettext_noop("Nurse assessment (HPH2) within 3 days"), 0.9),
    _on_time("HPH3", 14, gettext_noop("GP visit (HPH3) within 14 days"), 0.8),
    _on_time("HPH5", 28, gettext_noop("Four-week reassessment (HPH5) within 28 days"), 0.8),
    MeasureSpec(
        code="readmission-30-days",
        name=gettext_noop("Readmitted within 30 days"),
        description=gettext_noop(
            "Share of patients discharged from hospital who were admitted again within 30 "
            "days (the primary outcome of the HPH trial). A possible undercount: only the "
            "admissions home care records (or receives as a PLO message) are counted."
        ),
        numerator=gettext_noop(
            "Pathways with an admission to hospital recorded within 30 days after the discharge."
        ),
        denominator=gettext_noop(
            "Pathways started by a discharge from hospital, with the discharge in the period "
            "and at least 30 days before the as-of time."
        ),
        population=gettext_noop(
            "By discharge date (Europe/Oslo calendar). The 30-day window must have closed; "
            "admissions recorded after the as-of time do not count."
        ),
        computation=Computation.READMISSION_30_DAYS,
        boundary=Boundary.DISCHARGE,
        direction=Direction.DOWN,
        chart=ChartKind.P,
        target=0.15,
    ),
    MeasureSpec(
        code="nursing-home-90-days",
        name=gettext_noop("Moved to a nursing home within 90 days"),
        description=gettext_noop(
            "Balancing measure: share of patients discharged from hospital who moved to a "
            "nursing home (long-term stay) within 90 days. Local default, after the outcomes "
            "the HPH trial followed. A possible undercount: only moves home care records."
        ),
        numerator=gettext_noop(
            "Pathways with a move to a nursing home recorded within 90 days after the discharge."
        ),
        denominator=gettext_noop(
            "Pathways started by a discharge from hospital, with the discharge in the period "
            "and at least 90 days before the as-of time."
        ),
        population=gettext_noop(
            "By discharge date (Europe/Oslo calendar). The 90-day window must have closed; "
            "moves recorded after the as-of time do not count."
        ),
        computation=Computation.NURSING_HOME_90_DAYS,
        boundary=Boundary.DISCHARGE,
        direction=Direction.DOWN,
        chart=ChartKind.P,
    ),
    _days_at_home(30),
    _days_at_home(90),
    MeasureSpec(
        code="iplos-change-hph2-hph5",
        name=gettext_noop("Change in the IPLOS function score from HPH2 to HPH5"),
        description=gettext_noop(
            "Mean change in the patient's IPLOS function score (the mean of the IPLOS "
            "function variables, 1 = manages alone to 5 = needs full help, as IPLOS scores "
            "them) from the 3-day assessment (HPH2) to the 4-week conversation (HPH5). A fall "
            "is an improvement. Local default: the trial did not report it. Where the score is "
            "recorded is template data: the number items in the IPLOS domain of the two "
            "checklists."
        ),
        numerator=gettext_noop("Sum over pathways of (IPLOS score at HPH5 − IPLOS score at HPH2)."),
        denominator=gettext_noop(
            "Pathways with the IPLOS score recorded at both HPH2 and HPH5 (first occurrence, "
            "both completed), counted in the period HPH5 was completed."
        ),
        population=gettext_noop(
            "By the completion of HPH5 (Europe/Oslo calendar). Pathways without a score at "
            "one of the two are left out; answers recorded after the as-of time do not count."
        ),
        computation=Computation.IPLOS_CHANGE,
        parameters={"from": "HPH2", "to": "HPH5"},
        boundary=Boundary.REASSESSMENT,
        direction=Direction.DOWN,
        chart=ChartKind.I,
        is_proportion=False,
    ),
    MeasureSpec(
        code="hph6-sent",
        name=gettext_noop("Admission report (HPH6) sent"),
        description=gettext_noop("Share of admissions where the admission report (HPH6) was sent."),
        numerator=gettext_noop("HPH6 stop points completed (at any time up to the as-of time)."),
        denominator=gettext_noop(
            "HPH6 stop points opened by an admission in the period, not marked not relevant."
        ),
        population=gettext_noop("By admission time (Europe/Oslo calendar)."),
        computation=Computation.ADMISSION_REPORT_SENT,
        parameters={"stop_point": "HPH6"},
        boundary=Boundary.ADMISSION,
        direction=Direction.UP,
        chart=ChartKind.P,
        target=0.95,
    ),
    MeasureSpec(
        code="hph6-within-3-hours",
        name=gettext_noop("Admission report (HPH6) sent within 3 hours"),
        description=gettext_noop(
            "Share of admissions where the admission report (HPH6) was sent within 3 hours."
        ),
        numerator=gettext_noop(
            "HPH6 stop points completed no later than their deadline (3 hours)."
        ),
        denominator=gettext_noop(
            "HPH6 stop points opened by an admission in the period, not marked not relevant."
        ),
        population=gettext_noop("By admission time (Europe/Oslo calendar)."),
        computation=Computation.ADMISSION_REPORT_ON_TIME,
        parameters={"stop_point": "HPH6"},
        boundary=Boundary.ADMISSION,
        direction=Direction.UP,
        chart=ChartKind.P,
        target=0.8,
    ),
    MeasureSpec(
        code="stop-points-on-time",
        name=gettext_noop("Stop points done on time (main checklist)"),
        description=gettext_noop(
            "Adherence: share of the main-checklist stop points done by their deadline. The "
            "chart page splits it by stop point."
        ),
        numerator=gettext_noop("Stop points completed no later than the end of their deadline."),
        denominator=gettext_noop(
            "Main-checklist stop points whose deadline falls in the period and has passed, or "
            "that were completed; not counting those marked not relevant or interrupted."
        ),
        population=gettext_noop("By stop-point deadline (Europe/Oslo calendar)."),
        computation=Computation.STOP_POINT_ON_TIME,
        parameters={"in_chain": True},
        boundary=Boundary.DEADLINE,
        direction=Direction.UP,
        chart=ChartKind.P,
        target=0.9,
    ),
    MeasureSpec(
        code="main-checklists-3-of-4",
        name=gettext_noop("Patients who got at least 3 of the 4 main checklists"),
        description=gettext_noop(
            "The HPH trial's adherence measure (Røsstad et al.): share of patients who got at "
            "least 3 of the 4 main checklists (the discharge call, the 3-day assessment, the "
            "GP visit and the 4-week conversation; 36 % in the trial). Which stop points are "
            "the main ones is template data. The chart page shows the distribution from 0 to 4."
        ),
        numerator=gettext_noop(
            "Pathways where at least 3 of the main checklists were done (on time or late)."
        ),
        denominator=gettext_noop(
            "Pathways started in the period whose main checklists are settled: every one done, "
            "missed, interrupted or not relevant, or the pathway ended. Missed, interrupted "
            "and not relevant ones count as not done."
        ),
        population=gettext_noop(
            "By pathway start, the ready-for-discharge report (Europe/Oslo calendar). Pathways "
            "with a main checklist still open before its deadline are left out until it is "
            "settled; checklists done after the as-of time count as not done."
        ),
        computation=Computation.MAIN_CHECKLISTS,
        parameters={"at_least": 3},
        boundary=Boundary.PATHWAY_START,
        direction=Direction.UP,
        chart=ChartKind.P,
        target=0.8,
    ),
    MeasureSpec(
        code="what-matters-change",
        name=gettext_noop("Mean change in the what-matters score"),
        description=gettext_noop(
            "Mean change in the patient's 'what matters' scores within one pathway: at the "
            "first follow-up scoring, each goal is compared with its own first score in the "
            "same pathway (its baseline)."
        ),
        numerator=gettext_noop(
            "Sum over pathways of the mean per-goal change (follow-up score − baseline score "
            "in the same pathway)."
        ),
        denominator=gettext_noop(
            "Pathways with a follow-up scoring where at least one goal has a baseline in the "
            "same pathway, counted in the period of the first follow-up scoring."
        ),
        population=gettext_noop(
            "By follow-up scoring date (Europe/Oslo calendar). Scorings recorded after the "
            "as-of time do not count."
        ),
        computation=Computation.WHAT_MATTERS_CHANGE,
        boundary=Boundary.FOLLOW_UP,
        direction=Direction.UP,
        chart=ChartKind.I,
        is_proportion=False,
        target=2.0,
    ),
    MeasureSpec(
        code="what-matters-meaningful",
        name=gettext_noop("Meaningful change in the what-matters score"),
        description=gettext_noop(
            "Share of patients whose average score improved by at least the meaningful change "
            "threshold of the form version (Abbott & Schmitt 2014: 2.3 for a medium change)."
        ),
        numerator=gettext_noop("Pathways whose change is at or beyond the threshold."),
        denominator=gettext_noop(
            "Pathways with a follow-up scoring where at least one goal has a baseline in the "
            "same pathway, counted in the period of the first follow-up scoring."
        ),
        population=gettext_noop("By follow-up scoring date (Europe/Oslo calendar)."),
        computation=Computation.WHAT_MATTERS_MEANINGFUL,
        boundary=Boundary.FOLLOW_UP,
        direction=Direction.UP,
        chart=ChartKind.P,
        target=0.5,
    ),
)


def install_default_measures() -> int:
    """Create or update the shipped local defaults; return how many were created."""
    created = 0
    with transaction.atomic():
        for order, spec in enumerate(DEFAULT_MEASURES, start=1):
            values = {
                "name": spec.name,
                "description": spec.description,
                "numerator": spec.numerator,
                "denominator": spec.denominator,
                "population": spec.population,
                "computation": spec.computation,
                "parameters": spec.parameters,
                "period": spec.period,
                "boundary": spec.boundary,
                "direction": spec.direction,
                "chart": spec.chart,
                "is_proportion": spec.is_proportion,
                "target": spec.target,
                "local_default": True,
                "order": order * 10,
            }
            measure = Measure.objects.filter(organisation=None, code=spec.code).first()
            if measure is None:
                measure = Measure(organisation=None, code=spec.code, **values)
                measure.full_clean()
                measure.save()
                created += 1
                continue
            changed = [name for name, value in values.items() if getattr(measure, name) != value]
            if changed:
                for name in changed:
                    setattr(measure, name, values[name])
                measure.full_clean()
                measure.save(update_fields=[*changed, "updated_at"])
    return created
