"""Input validation at the edge, shared by every form and every GET parameter (issue 11, defect
7): a date, time, number, id or page number from a request is either plausible or refused with
a clear message, before anything is computed or changed, so no input gives a 500.

- Dates: from 1900-01-01 to one year ahead (tighter where the domain says so: ``past_only`` for
  something that has happened, ``future_days`` for a plan). The year 0001 or 9999 would
  otherwise overflow date arithmetic and time-zone conversions further in.
- Numbers: within what the database column holds (a 64-bit integer at most), never NaN or
  infinity.
- Query parameters that are not worth a form (page numbers, ids, a date in a link) are parsed
  by the ``*_param`` functions, which give the default back on junk instead of raising.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = dt.date(1900, 1, 1)
FUTURE_DAYS = 366
INT_MAX = 2**63 - 1
# A Postgres integer column (Django's IntegerField) holds 32 bits; the forms' default ceiling.
INT32_MAX = 2**31 - 1
MAX_PAGE = 100_000


def plausible_range(
    *, today: dt.date, past_only: bool = False, future_days: int = FUTURE_DAYS
) -> tuple[dt.date, dt.date]:
    """The dates accepted from a user on ``today``."""
    latest = today if past_only else today + dt.timedelta(days=future_days)
    return EARLIEST_DATE, latest


def check_plausible_date(
    value: dt.date, *, today: dt.date, past_only: bool = False, future_days: int = FUTURE_DAYS
) -> dt.date:
    """``value`` when within the plausible range, else a ValidationError in the user's language."""
    earliest, latest = plausible_range(today=today, past_only=past_only, future_days=future_days)
    if value < earliest or value > latest:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="implausible_date",
            params={
                "earliest": earliest.strftime("%d.%m.%Y"),
                "latest": latest.strftime("%d.%m.%Y"),
            },
        )
    return value


class PlausibleDateField(forms.DateField):
    """A date field that refuses dates outside the plausible range (see the module)."""

    def __init__(
        self, *, past_only: bool = False, future_days: int = FUTURE_DAYS, **kwargs: Any
    ) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)
        self.past_only = past_only
        self.future_days = future_days
        # The browser's date picker keeps to the range too.
        if getattr(self.widget, "input_type", "") == "date":
            self.widget.attrs.setdefault("min", EARLIEST_DATE.isoformat())

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None:
            check_plausible_date(
                value,
                today=timezone.localdate(),
                past_only=self.past_only,
                future_days=self.future_days,
            )


class PlausibleDateTimeField(forms.DateTimeField):
    """A date and time field with the same plausible range for its date."""

    def __init__(
        self, *, past_only: bool = False, future_days: int = FUTURE_DAYS, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.past_only = past_only
        self.future_days = future_days

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            result = super().to_python(value)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        # Checked before anything converts it to UTC, where year 9999 would overflow.
        return self.plausible(result)

    def plausible(self, result: dt.datetime | None) -> dt.datetime | None:
        """``result`` when its date is plausible, else a ValidationError."""
        if result is not None:
            check_plausible_date(
                result.date(),
                today=timezone.localdate(),
                past_only=self.past_only,
                future_days=self.future_days,
            )
        return result


def bounded_integer_field(
    *, min_value: int | None = 0, max_value: int = INT32_MAX, **kwargs: Any
) -> forms.IntegerField:
    """An integer form field that refuses what the database column cannot hold."""
    return forms.IntegerField(min_value=min_value, max_value=max_value, **kwargs)


# --------------------------------------------------------------------------------------------
# GET parameters outside a form
# --------------------------------------------------------------------------------------------


def text_param(raw: str | None, *, max_length: int = 100) -> str:
    """A free-text parameter (a search), stripped and cut to ``max_length``, without NUL bytes,
    which PostgreSQL text cannot hold."""
    return (raw or "").replace("\x00", "").strip()[:max_length]


def int_param(
    raw: str | None, *, default: int | None = None, minimum: int = 1, maximum: int = INT32_MAX
) -> int | None:
    """An integer query parameter (an id, a count), or ``default`` when missing or junk."""
    if raw is None or not raw.strip().isdigit() or len(raw) > 19:
        return default
    value = int(raw)
    if value < minimum or value > maximum:
        return default
    return value


def page_param(raw: str | None) -> int:
    """A page number for a Paginator: junk, zero and negative numbers give page 1; a number
    past the last page is left to ``Paginator.get_page``, which gives the last."""
    value = int_param(raw, default=1, minimum=1, maximum=MAX_PAGE)
    return value if value is not None else 1


def date_param(raw: str | None, *, today: dt.date, past_only: bool = False) -> dt.date | None:
    """A date query parameter in ISO form, or None when missing, junk or implausible."""
    if not raw or len(raw) > 10:
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        return None
    try:
        return check_plausible_date(value, today=today, past_only=past_only)
    except ValidationError:
        return None
