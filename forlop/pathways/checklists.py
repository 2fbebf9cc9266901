"""Checklist answers, without the database: reading an item's choices, cleaning a value for its
kind, and whether an answer counts as answered.

Pure functions on plain values (``ItemRule`` is the stored item as the rules see it; see
``mappers.item_rule``). The only Django import is gettext for the messages. Item kinds that
another app adds (the "what matters" conversation, from goals) clean their structured values
through the registry (``pathways.registry``); everything else is here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from forlop.pathways.error_codes import PathwayErrorCode

MAX_TEXT_ANSWER = 2000

YES_NO = "yes_no"
TEXT = "text"
NUMBER = "number"
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
DATE = "date"

EMPTY_VALUES: tuple[Any, ...] = (None, "", [])


class AnswerError(ValueError):
    """A value the item's kind does not accept. ``message`` is translated; ``code`` is typed."""

    def __init__(self, message: str, code: PathwayErrorCode = PathwayErrorCode.INVALID_VALUE):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class ItemRule:
    """What the cleaning needs to know of a checklist item."""

    kind: str
    choices: tuple[Choice, ...] = ()
    allow_not_relevant: bool = True
    required: bool = False


def parse_choices(raw: object) -> tuple[Choice, ...]:
    """An item's stored choices as (value, label) pairs: the one reader of the stored shape.

    Stored as plain strings, as ``{"value": ..., "label": ...}`` objects (``key`` is an older
    name for ``value``) or as ``[value, label]`` pairs. Anything else gives no choices.
    """
    if not isinstance(raw, list | tuple):
        return ()
    out: list[Choice] = []
    for choice in raw:
        if isinstance(choice, dict):
            value = str(choice.get("value", choice.get("key", choice.get("label", ""))))
            out.append(Choice(value, str(choice.get("label", value))))
        elif isinstance(choice, list | tuple) and len(choice) == 2:
            out.append(Choice(str(choice[0]), str(choice[1])))
        else:
            out.append(Choice(str(choice), str(choice)))
    return tuple(out)


def is_empty(value: Any) -> bool:
    return any(value is empty or value == empty for empty in EMPTY_VALUES)


def is_answered(value: Any, not_relevant_reason: str) -> bool:
    """An answer counts when it has a value or is marked not relevant (with its reason)."""
    return bool(not_relevant_reason) or not is_empty(value)


def clean_number(value: Any) -> int | float:
    """A number from a form, JSON or the CLI. Accepts a decimal comma ("71,5") and spaces
    between thousands ("1 200"), as Norwegian users write numbers."""
    if isinstance(value, bool):
        raise AnswerError(_("Enter a number."))
    if isinstance(value, str):
        value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise AnswerError(_("Enter a number.")) from exc
    if not number.is_finite():
        raise AnswerError(_("Enter a number."))
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def clean_date(value: Any) -> str:
    if isinstance(value, datetime):
        raise AnswerError(_("Enter a date."))
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError as exc:
        raise AnswerError(_("Enter a date.")) from exc


def clean_text(value: Any) -> str | None:
    if not isinstance(value, str):
        raise AnswerError(_("Enter text."))
    text = value.strip()
    if len(text) > MAX_TEXT_ANSWER:
        raise AnswerError(_("Write at most %(n)d characters.") % {"n": MAX_TEXT_ANSWER})
    return text or None


def clean_value(
    item: ItemRule,
    value: Any,
    *,
    structured: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Any:
    """The value to store for ``item`` (JSON-serialisable), validated for its kind.

    yes/no a bool; number an int or float; single choice one of the choice values; multiple
    choice a subset, in the template's order; date an ISO date; text at most 2000 characters.
    A structured value (a dict) is accepted only when the item's kind registered a cleaner
    (``structured``, from the registry); free text is the fallback of every other kind.
    """
    kind = item.kind
    allowed = [choice.value for choice in item.choices]
    if kind == YES_NO:
        if not isinstance(value, bool):
            raise AnswerError(_("Answer yes or no."))
        return value
    if kind == NUMBER:
        return clean_number(value)
    if kind == SINGLE_CHOICE:
        if not isinstance(value, str) or value not in allowed:
            raise AnswerError(_("Choose one of the options."))
        return value
    if kind == MULTIPLE_CHOICE:
        if isinstance(value, str) or not isinstance(value, list | tuple | set | frozenset):
            raise AnswerError(_("Choose among the options."))
        chosen = [str(v) for v in value]
        if any(v not in allowed for v in chosen) or len(set(chosen)) != len(chosen):
            raise AnswerError(_("Choose among the options."))
        return [v for v in allowed if v in chosen]
    if kind == DATE:
        return clean_date(value)
    if isinstance(value, dict):
        if structured is None:
            raise AnswerError(_("Enter text."))
        return structured(value)
    return clean_text(value)


def clean_answer(
    item: ItemRule,
    value: Any,
    *,
    not_relevant_reason: str = "",
    structured: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[Any, str]:
    """(value, reason) to store. A reason marks the item not relevant (only where it allows
    that, and with an empty value); an empty value without a reason clears the answer."""
    reason = (not_relevant_reason or "").strip()
    if reason:
        if not item.allow_not_relevant:
            raise AnswerError(
                _("This question cannot be marked not relevant."),
                PathwayErrorCode.NOT_RELEVANT_NOT_ALLOWED,
            )
        if not is_empty(value):
            raise AnswerError(_("Leave the answer empty when the question is not relevant."))
        if len(reason) > MAX_TEXT_ANSWER:
            raise AnswerError(_("Write at most %(n)d characters.") % {"n": MAX_TEXT_ANSWER})
        return None, reason
    if is_empty(value):
        return None, ""
    return clean_value(item, value, structured=structured), ""
