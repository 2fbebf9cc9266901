"""Filters for the patient's record as PDF."""

from __future__ import annotations

from datetime import date, datetime

from django import template

register = template.Library()


@register.filter
def when(value: str | None) -> str:
    """An ISO date or time from the record ("2026-12-01T13:05+01:00") as Norwegians write it."""
    if not value:
        return "–"
    try:
        if "T" in value:
            return datetime.fromisoformat(value).strftime("%d.%m.%Y %H:%M")
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return value
