"""The error codes of the pathway engine: what its services refuse, and why.

The UI, the CLI and the API switch on these codes, never on the (translated) message.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class PathwayErrorCode(StrEnum):
    # Starting and timing a pathway
    UNPUBLISHED = "unpublished"
    START_REASON = "start_reason"
    FUTURE = "future"
    NAIVE_DATETIME = "naive_datetime"
    ARRIVAL_BEFORE_DISCHARGE = "arrival_before_discharge"
    ARRIVAL_BEFORE_SHORT_STAY = "arrival_before_short_stay"
    PLANNED_TOO_FAR = "planned_too_far"
    PLANNED_BEFORE_READY = "planned_before_ready"
    PLANNED_REQUIRED = "planned_required"
    DISCHARGE_BEFORE_READY = "discharge_before_ready"
    SHORT_STAY_BEFORE_DISCHARGE = "short_stay_before_discharge"
    SHORT_STAY_WITHOUT_DISCHARGE = "short_stay_without_discharge"
    SHORT_STAY_KIND = "short_stay_kind"
    ALREADY_DISCHARGED = "already_discharged"
    NOT_SET = "not_set"
    ROLE = "role"
    WRONG_ORGANISATION = "wrong_organisation"
    WRONG_PATIENT = "wrong_patient"
    ALREADY_RUNNING = "already_running"
    ALREADY_SET = "already_set"
    ENDED = "ended"
    INVALID_TEMPLATE = "invalid_template"
    # Events
    EVENT_KIND = "kind"
    WARD = "ward"
    NOT_ADMITTED = "not_admitted"
    # Checklists and stop points
    CONFLICT = "conflict"
    COMPLETED = "completed"
    INTERRUPTED = "interrupted"
    NOT_RELEVANT = "not_relevant"
    NOT_CLOSED = "not_closed"
    WRONG_VERSION = "wrong_version"
    NOT_RELEVANT_NOT_ALLOWED = "not_relevant_not_allowed"
    INVALID_VALUE = "invalid_value"
    REQUIRED_MISSING = "required_missing"
    REASON = "reason"
    PART = "part"
    PART_SIGNED = "part_signed"


class ChecklistConflict(ValidationError):  # noqa: N818 - the name is part of the UI contract
    """Someone else changed the stop point since the user loaded it (stale ``revision``)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else has changed this checklist since you opened it. "
                "Reload the page to see their changes, then try again."
            ),
            code=PathwayErrorCode.CONFLICT,
        )


class RequiredItemsMissing(ValidationError):  # noqa: N818 - a ValidationError, as forms expect
    """Signing a checklist whose required items are not answered; names them."""

    def __init__(self, *, texts: list[str], item_ids: list[int]) -> None:
        super().__init__(
            _("Answer the required questions first: %(items)s"),
            code=PathwayErrorCode.REQUIRED_MISSING,
            params={"items": "; ".join(texts)},
        )
        self.missing_item_ids = item_ids
