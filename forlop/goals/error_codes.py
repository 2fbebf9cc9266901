"""The error codes of "what matters": what its services refuse, and why. The pure rules'
own codes (``rules.GoalRuleError.code``: score out of range, too many goals, follow-up before
the baseline) pass through unchanged."""

from __future__ import annotations

from enum import StrEnum


class GoalErrorCode(StrEnum):
    GOAL_TEXT_REQUIRED = "goal_text_required"
    INVALID_STATUS = "invalid_status"
    INVALID_KIND = "invalid_kind"
    NO_SCORES = "no_scores"
    UNKNOWN_GOAL = "unknown_goal"
    BASELINE_EXISTS = "baseline_exists"
    NO_BASELINE = "no_baseline"
    FUTURE = "future"
    WRONG_STOP_POINT = "wrong_stop_point"
    WRONG_PATHWAY = "wrong_pathway"
    PROPOSAL_TEXT_REQUIRED = "proposal_text_required"
    NOT_A_GOAL_PROPOSAL = "not_a_goal_proposal"
    PROPOSAL_HANDLED = "proposal_handled"
