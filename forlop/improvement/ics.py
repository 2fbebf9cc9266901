"""One event as an iCalendar file (RFC 5545, the ``icalendar`` library), attached to an
invitation so the recipient can put the gathering or the guidance session in their calendar.

The entry holds what the invitation says (title, date, place, themes, the link to the page in
Forløp) and nothing about patients. The UID is stable per event, so a second file for a moved
gathering updates the entry instead of adding one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

PRODID = "-//Forløp//Learning network//NB"
#: A guidance session's assumed length (the compendium gives none).
GUIDANCE_LENGTH = timedelta(minutes=90)


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    uid: str
    summary: str
    location: str
    description: str
    url: str
    first_day: date | None = None
    last_day: date | None = None
    starts_at: datetime | None = None
    length: timedelta = GUIDANCE_LENGTH


def uid(kind: str, pk: int) -> str:
    host = settings.FORLOP_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "forlop"
    return f"{kind}-{pk}@{host}"


def ics(entry: CalendarEvent, *, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", now)
    event.add("summary", entry.summary)
    if entry.location:
        event.add("location", entry.location)
    event.add("description", f"{entry.description}\n\n{entry.url}".strip())
    event.add("url", entry.url)
    if entry.starts_at is not None:
        event.add("dtstart", entry.starts_at)
        event.add("dtend", entry.starts_at + entry.length)
    else:
        assert entry.first_day is not None  # noqa: S101 - a day event has its first day
        event.add("dtstart", entry.first_day)
        event.add("dtend", (entry.last_day or entry.first_day) + timedelta(days=1))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
