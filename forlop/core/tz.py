"""The project's one time zone: clinical dates and measurement periods are Europe/Oslo dates."""

from __future__ import annotations

from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
