"""The model for improvement's rules, pure: no ORM, no clock (the date is an argument).

* **Aims**: an aim has a measure and a target date (and a target value);
* **PDSA cycles**: a cycle ends on or after the day it starts; its stage (plan, do, study,
  act, done) is derived from what the team has written and the date, never stored;
* **change ideas and time thieves**: a short title (``IDEA_TITLE_MAX``) and a description;
* **progress score**: the 0.5-5 scale of IHI collaboratives and Life QI, in steps of 0.5,
  always with a reason;
* **sustainability**: 6 and 12 months after a change was adopted, the run chart answers
  whether the measure still holds the level it had when the change was adopted, with a
  signal when the process shifts back (Anhøj's longest-run rule against that level).

Each check returns the problems as ``Problem`` values (a code and an English msgid the
services translate), so the services, the CLI and the tests share one definition.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.utils.translation import gettext_noop

from forlop.measures.spc import longest_run_max

IDEA_TITLE_MAX = 200
IDEA_TEXT_MAX = 2000
COMMENT_MAX = 1000
SCORE_MIN = Decimal("0.5")
SCORE_MAX = Decimal(5)
SCORE_STEP = Decimal("0.5")
SUSTAINABILITY_MONTHS = (6, 12)
#: The level a change is judged against: the median of the last periods up to its adoption.
BASELINE_PERIODS = 12
MIN_BASELINE_POINTS = 6
MIN_POINTS_AFTER = 3


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    message: str  # an English msgid; the caller translates it


# --------------------------------------------------------------------------------------------
# Aims
# --------------------------------------------------------------------------------------------


def aim_problems(
    *, has_measure: bool, target_value: float | None, target_date: date | None, today: date
) -> list[Problem]:
    problems: list[Problem] = []
    if not has_measure:
        problems.append(
            Problem("aim_without_measure", gettext_noop("An aim needs a measure to follow it."))
        )
    if target_value is None:
        problems.append(Problem("aim_without_target", gettext_noop("Give the aim a target value.")))
    if target_date is None:
        problems.append(
            Problem("aim_without_date", gettext_noop("Give the aim a target date: by when?"))
        )
    elif target_date < today:
        problems.append(Problem("aim_date_passed", gettext_noop("The target date has passed.")))
    return problems


# --------------------------------------------------------------------------------------------
# PDSA cycles
# --------------------------------------------------------------------------------------------


class Stage(StrEnum):
    PLAN = "plan"
    DO = "do"
    STUDY = "study"
    ACT = "act"
    DONE = "done"


class Decision(StrEnum):
    ADOPT = "adopt"
    ADAPT = "adapt"
    ABANDON = "abandon"


def cycle_date_problems(*, starts_on: date | None, ends_on: date | None) -> list[Problem]:
    if starts_on is None or ends_on is None:
        return [Problem("cycle_without_dates", gettext_noop("Give the cycle a start and an end."))]
    if ends_on < starts_on:
        return [
            Problem(
                "cycle_ends_before_start",
                gettext_noop("The cycle cannot end before it starts."),
            )
        ]
    return []


def cycle_stage(
    *,
    starts_on: date,
    done_text: str,
    study_text: str,
    decision: str,
    today: date,
) -> Stage:
    """Where a cycle is: done once the team has decided (act), act once it has studied the
    results, study once it has written what happened, do from its start day, else plan."""
    if decision:
        return Stage.DONE
    if study_text.strip():
        return Stage.ACT
    if done_text.strip():
        return Stage.STUDY
    if today >= starts_on:
        return Stage.DO
    return Stage.PLAN


def cycle_problems(
    *,
    prediction: str,
    starts_on: date | None,
    ends_on: date | None,
    done_text: str,
    study_text: str,
    decision: str,
    decided_on: date | None,
    today: date,
) -> list[Problem]:
    """Everything wrong with a cycle as it would be saved."""
    problems = cycle_date_problems(starts_on=starts_on, ends_on=ends_on)
    started = bool(done_text.strip() or study_text.strip() or decision)
    if started and not prediction.strip():
        problems.append(
            Problem(
                "cycle_without_prediction",
                gettext_noop("Write down what you predict before the test is carried out."),
            )
        )
    if decision and decision not in Decision.__members__.values():
        problems.append(Problem("cycle_unknown_decision", gettext_noop("Unknown decision.")))
    if decision and not study_text.strip():
        problems.append(
            Problem(
                "cycle_act_before_study",
                gettext_noop("Study the results before you decide to adopt, adapt or abandon."),
            )
        )
    if decision and decided_on is not None:
        if decided_on > today:
            problems.append(
                Problem(
                    "cycle_decided_in_future", gettext_noop("A decision cannot be dated ahead.")
                )
            )
        if starts_on is not None and decided_on < starts_on:
            problems.append(
                Problem(
                    "cycle_decided_before_start",
                    gettext_noop("The decision cannot come before the cycle started."),
                )
            )
    return problems


# --------------------------------------------------------------------------------------------
# Change ideas and time thieves
# --------------------------------------------------------------------------------------------


def idea_problems(*, title: str, description: str) -> list[Problem]:
    problems: list[Problem] = []
    if not title.strip():
        problems.append(Problem("idea_empty", gettext_noop("Write the idea in a few words.")))
    if len(title) > IDEA_TITLE_MAX:
        problems.append(
            Problem(
                "idea_too_long",
                gettext_noop(
                    "Keep the idea to 200 characters; say more in the description below it."
                ),
            )
        )
    if len(description) > IDEA_TEXT_MAX:
        problems.append(
            Problem(
                "idea_text_too_long",
                gettext_noop("The description can be at most 2000 characters."),
            )
        )
    return problems


# --------------------------------------------------------------------------------------------
# Progress score
# --------------------------------------------------------------------------------------------

#: The IHI / Life QI assessment scale: the score and what it means (English msgids).
PROGRESS_SCALE: tuple[tuple[Decimal, str], ...] = (
    (Decimal("0.5"), gettext_noop("Intent to participate")),
    (Decimal("1.0"), gettext_noop("Forming the team")),
    (Decimal("1.5"), gettext_noop("Planning for the project has begun")),
    (Decimal("2.0"), gettext_noop("Activity, but no changes")),
    (Decimal("2.5"), gettext_noop("Changes tested, but no improvement")),
    (Decimal("3.0"), gettext_noop("Modest improvement")),
    (Decimal("3.5"), gettext_noop("Improvement")),
    (Decimal("4.0"), gettext_noop("Significant improvement")),
    (Decimal("4.5"), gettext_noop("Sustainable improvement")),
    (Decimal("5.0"), gettext_noop("Outstanding sustainable results")),
)


def parse_score(value: object) -> Decimal | None:
    """The score as a Decimal (a comma is a decimal point), or None when it is no number."""
    if isinstance(value, Decimal):
        return value
    text = str(value).strip().replace(",", ".")
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None


def progress_score_problems(*, score: Decimal | None, reason: str) -> list[Problem]:
    problems: list[Problem] = []
    if score is None or not SCORE_MIN <= score <= SCORE_MAX or score % SCORE_STEP != 0:
        problems.append(
            Problem(
                "score_out_of_scale",
                gettext_noop("The progress score is from 0.5 to 5, in steps of 0.5."),
            )
        )
    if not reason.strip():
        problems.append(
            Problem("score_without_reason", gettext_noop("Say why the team gives this score."))
        )
    return problems


def score_label(score: Decimal) -> str:
    """What a score means (an English msgid), or an empty string off the scale."""
    return dict(PROGRESS_SCALE).get(score.quantize(Decimal("0.1")), "")


# --------------------------------------------------------------------------------------------
# Sustainability after adoption
# --------------------------------------------------------------------------------------------


class Sustainability(StrEnum):
    NOT_DUE = "not_due"
    TOO_FEW_POINTS = "too_few_points"
    HOLDING = "holding"
    WATCH = "watch"
    SHIFTED_BACK = "shifted_back"


@dataclass(frozen=True, slots=True)
class SustainabilityCheck:
    months: int
    due_on: date
    status: Sustainability
    level: float | None = None  # the median at adoption
    points_after: int = 0
    worse_after: int = 0
    longest_worse_run: int = 0
    run_limit: int | None = None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = [31, 29 if _leap(year) else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, last))


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def sustainability_check(
    *,
    points: Sequence[tuple[date, float | None]],
    adopted_on: date,
    months: int,
    today: date,
    higher_is_better: bool,
) -> SustainabilityCheck:
    """Is the measure still holding ``months`` after the change was adopted?

    ``points`` are the run chart's (period start, value), in order. The level at adoption is
    the median of the last ``BASELINE_PERIODS`` values of periods starting on or before
    ``adopted_on``. The points after adoption, up to the check date, are compared with it:

    * a **shift back**: a run of consecutive points on the worse side of that level longer
      than Anhøj's limit (``round(log2(n)) + 3`` over the useful points of baseline and
      after together; points on the level are skipped and do not break a run);
    * **watch**: no such run, but more than half of the points after adoption are worse;
    * **holding** otherwise; **too few points** with fewer than ``MIN_BASELINE_POINTS``
      before or ``MIN_POINTS_AFTER`` after; **not due** before the check date.
    """
    due_on = add_months(adopted_on, months)
    if today < due_on:
        return SustainabilityCheck(months, due_on, Sustainability.NOT_DUE)
    return _judge(
        points,
        adopted_on=adopted_on,
        until=due_on,
        months=months,
        higher_is_better=higher_is_better,
    )


def shift_back_now(
    *,
    points: Sequence[tuple[date, float | None]],
    adopted_on: date,
    today: date,
    higher_is_better: bool,
) -> SustainabilityCheck:
    """The same judgement over every point after adoption up to ``today`` (``months`` 0): the
    signal a team sees between the checks."""
    return _judge(
        points, adopted_on=adopted_on, until=today, months=0, higher_is_better=higher_is_better
    )


def _judge(
    points: Sequence[tuple[date, float | None]],
    *,
    adopted_on: date,
    until: date,
    months: int,
    higher_is_better: bool,
) -> SustainabilityCheck:
    baseline = [v for d, v in points if d <= adopted_on and v is not None][-BASELINE_PERIODS:]
    after = [v for d, v in points if adopted_on < d <= until and v is not None]
    if len(baseline) < MIN_BASELINE_POINTS or len(after) < MIN_POINTS_AFTER:
        return SustainabilityCheck(
            months, until, Sustainability.TOO_FEW_POINTS, points_after=len(after)
        )
    level = statistics.median(baseline)

    def worse(value: float) -> bool:
        return value < level if higher_is_better else value > level

    useful = [v for v in (*baseline, *after) if v != level]
    limit = longest_run_max(max(1, len(useful)))
    longest = current = 0
    for value in after:
        if value == level:
            continue
        current = current + 1 if worse(value) else 0
        longest = max(longest, current)
    worse_count = sum(1 for v in after if worse(v))
    if longest > limit:
        status = Sustainability.SHIFTED_BACK
    elif worse_count * 2 > len(after):
        status = Sustainability.WATCH
    else:
        status = Sustainability.HOLDING
    return SustainabilityCheck(
        months=months,
        due_on=until,
        status=status,
        level=level,
        points_after=len(after),
        worse_after=worse_count,
        longest_worse_run=longest,
        run_limit=limit,
    )
