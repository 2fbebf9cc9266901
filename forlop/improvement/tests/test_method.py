"""The model for improvement's pure rules (no database): aims, cycle dates and stages, change
ideas, the progress score and the sustainability check answered by the run chart."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forlop.improvement import method
from forlop.improvement.method import Stage, Sustainability

TODAY = date(2026, 3, 1)


def codes(problems: list[method.Problem]) -> list[str]:
    return [problem.code for problem in problems]


def test_an_aim_needs_a_measure_a_target_and_a_date_ahead() -> None:
    # given / when / then
    assert (
        codes(
            method.aim_problems(
                has_measure=True, target_value=90, target_date=date(2026, 6, 1), today=TODAY
            )
        )
        == []
    )
    assert codes(
        method.aim_problems(has_measure=False, target_value=None, target_date=None, today=TODAY)
    ) == ["aim_without_measure", "aim_without_target", "aim_without_date"]
    assert codes(
        method.aim_problems(
            has_measure=True, target_value=90, target_date=date(2026, 2, 28), today=TODAY
        )
    ) == ["aim_date_passed"]


def test_a_cycle_cannot_end_before_it_starts() -> None:
    assert codes(
        method.cycle_date_problems(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 1))
    ) == ["cycle_ends_before_start"]
    assert method.cycle_date_problems(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 2)) == []
    assert codes(method.cycle_date_problems(starts_on=None, ends_on=date(2026, 3, 2))) == [
        "cycle_without_dates"
    ]


@pytest.mark.parametrize(
    ("starts_on", "done", "study", "decision", "stage"),
    [
        (date(2026, 3, 2), "", "", "", Stage.PLAN),
        (date(2026, 3, 1), "", "", "", Stage.DO),
        (date(2026, 2, 1), "Ringte to.", "", "", Stage.STUDY),
        (date(2026, 2, 1), "Ringte to.", "Det virket.", "", Stage.ACT),
        (date(2026, 2, 1), "Ringte to.", "Det virket.", "adopt", Stage.DONE),
    ],
)
def test_the_stage_follows_what_the_team_has_written(
    starts_on: date, done: str, study: str, decision: str, stage: Stage
) -> None:
    assert (
        method.cycle_stage(
            starts_on=starts_on, done_text=done, study_text=study, decision=decision, today=TODAY
        )
        == stage
    )


def test_a_cycle_predicts_before_it_is_carried_out_and_studies_before_it_decides() -> None:
    base = {
        "starts_on": date(2026, 2, 1),
        "ends_on": date(2026, 2, 14),
        "decided_on": None,
        "today": TODAY,
    }
    assert codes(
        method.cycle_problems(prediction="", done_text="Gjort.", study_text="", decision="", **base)
    ) == ["cycle_without_prediction"]
    assert codes(
        method.cycle_problems(
            prediction="Bedre.", done_text="Gjort.", study_text="", decision="adopt", **base
        )
    ) == ["cycle_act_before_study"]
    assert codes(
        method.cycle_problems(
            prediction="Bedre.",
            done_text="Gjort.",
            study_text="Lært.",
            decision="adopt",
            **{**base, "decided_on": date(2026, 1, 31)},
        )
    ) == ["cycle_decided_before_start"]
    assert (
        method.cycle_problems(
            prediction="Bedre.", done_text="Gjort.", study_text="Lært.", decision="adapt", **base
        )
        == []
    )


def test_a_change_idea_is_short() -> None:
    assert method.idea_problems(title="x" * 200, description="") == []
    assert codes(method.idea_problems(title="x" * 201, description="")) == ["idea_too_long"]
    assert codes(method.idea_problems(title="  ", description="y" * 2001)) == [
        "idea_empty",
        "idea_text_too_long",
    ]


@pytest.mark.parametrize(
    ("score", "reason", "expected"),
    [
        ("0,5", "Vi har meldt oss på.", []),
        ("5", "Varige resultater.", []),
        ("3.5", "Bedring.", []),
        ("0", "Ingenting.", ["score_out_of_scale"]),
        ("5.5", "For mye.", ["score_out_of_scale"]),
        ("2.3", "Ikke på skalaen.", ["score_out_of_scale"]),
        ("tre", "Ikke et tall.", ["score_out_of_scale"]),
        ("3", "  ", ["score_without_reason"]),
    ],
)
def test_the_progress_score_is_on_the_scale_with_a_reason(
    score: str, reason: str, expected: list[str]
) -> None:
    assert (
        codes(method.progress_score_problems(score=method.parse_score(score), reason=reason))
        == expected
    )


def test_the_scale_names_each_step() -> None:
    assert method.score_label(Decimal("0.5")) == "Intent to participate"
    assert method.score_label(Decimal(5)) == "Outstanding sustainable results"
    assert method.score_label(Decimal("2.3")) == ""
    assert len(method.PROGRESS_SCALE) == 10


def months(first: date, values: list[float | None]) -> list[tuple[date, float | None]]:
    out = []
    for index, value in enumerate(values):
        month = first.month - 1 + index
        out.append((date(first.year + month // 12, month % 12 + 1, 1), value))
    return out


ADOPTED = date(2025, 12, 1)
# Twelve months up to and including the adoption: the median is 0.8.
BASELINE = [0.78, 0.82, 0.79, 0.81, 0.80, 0.83, 0.77, 0.80, 0.81, 0.79, 0.80, 0.82]


def check(
    after: list[float | None], *, months_after: int, today: date
) -> method.SustainabilityCheck:
    return method.sustainability_check(
        points=months(date(2025, 1, 1), BASELINE + after),
        adopted_on=ADOPTED,
        months=months_after,
        today=today,
        higher_is_better=True,
    )


def test_the_check_is_not_due_before_six_months() -> None:
    result = check([0.9] * 5, months_after=6, today=date(2026, 5, 31))
    assert result.status == Sustainability.NOT_DUE
    assert result.due_on == date(2026, 6, 1)


def test_a_measure_that_holds_the_level_holds() -> None:
    result = check([0.85, 0.9, 0.79, 0.88, 0.91, 0.86], months_after=6, today=date(2026, 6, 1))
    assert result.status == Sustainability.HOLDING
    assert (result.level, result.points_after, result.worse_after) == (0.8, 6, 1)


def test_most_points_worse_but_no_long_run_is_a_watch() -> None:
    result = check([0.75, 0.7, 0.85, 0.72, 0.74, 0.9], months_after=6, today=date(2026, 6, 1))
    assert result.status == Sustainability.WATCH
    assert (result.worse_after, result.longest_worse_run) == (4, 2)


def test_a_long_run_below_the_level_at_adoption_is_a_shift_back() -> None:
    # given 21 useful points (three baseline points lie on the level): a run longer than
    # round(log2(21)) + 3 = 7 signals
    after = [0.7, 0.72, 0.69, 0.71, 0.7, 0.68, 0.73, 0.7, 0.69, 0.71, 0.7, 0.72]
    # when
    result = check(after, months_after=12, today=date(2026, 12, 1))
    # then
    assert result.status == Sustainability.SHIFTED_BACK
    assert (result.longest_worse_run, result.run_limit) == (12, 7)


def test_seven_worse_months_in_a_row_are_not_yet_a_signal() -> None:
    after = [0.9, 0.9, 0.9, 0.9, 0.9, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    result = check(after, months_after=12, today=date(2026, 12, 1))
    assert result.status == Sustainability.WATCH
    assert (result.longest_worse_run, result.run_limit, result.worse_after) == (7, 7, 7)


def test_too_few_points_say_so() -> None:
    result = check([0.9, None, None, None, None, None], months_after=6, today=date(2026, 6, 1))
    assert result.status == Sustainability.TOO_FEW_POINTS
    assert result.points_after == 1


def test_lower_is_better_turns_the_sides() -> None:
    result = method.sustainability_check(
        points=months(date(2025, 1, 1), [0.2] * 12 + [0.3] * 12),
        adopted_on=ADOPTED,
        months=12,
        today=date(2026, 12, 1),
        higher_is_better=False,
    )
    assert result.status == Sustainability.SHIFTED_BACK


def test_the_signal_between_the_checks_uses_every_point_so_far() -> None:
    after = [0.7] * 9
    result = method.shift_back_now(
        points=months(date(2025, 1, 1), BASELINE + after),
        adopted_on=ADOPTED,
        today=date(2026, 9, 15),
        higher_is_better=True,
    )
    assert result.status == Sustainability.SHIFTED_BACK
    assert (result.longest_worse_run, result.run_limit) == (9, 7)


def test_add_months_keeps_the_day_within_the_month() -> None:
    assert method.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert method.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert method.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
