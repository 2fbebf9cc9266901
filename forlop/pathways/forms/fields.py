"""The fields the pathway forms share: local wall times typed the Norwegian way."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone

from forlop.core.forms import NorwegianDateTimeField


class DateTimeLocalField(NorwegianDateTimeField):
    """A local wall time, typed the Norwegian way whatever the browser's language
    (``core.forms``; the ISO form a datetime-local input sent is still accepted). In the hour
    that repeats when summer time ends (02:00-03:00 on the last Sunday of October in Oslo) a
    wall time means two instants and Django refuses it, so for that hour a nurse could not save
    even the form's own "now": the earlier instant is taken. A wall time that the spring change
    skips is still refused."""

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str):
            zone = timezone.get_current_timezone()
            for fmt in self.input_formats:
                try:
                    wall = datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 - zone added below
                except ValueError:
                    continue
                first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
                repeated = first.utcoffset() != second.utcoffset() and (
                    first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall
                )
                if repeated:  # as UTC: a time in the repeated hour never == another zone's
                    return self.plausible(first.astimezone(UTC))
                break
        return super().to_python(value)


def now_for_input() -> datetime:
    """Now, in the current time zone, without seconds: the default of a datetime-local input."""
    return timezone.localtime().replace(second=0, microsecond=0)
