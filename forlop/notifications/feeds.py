"""iCalendar feeds (RFC 5545, the ``icalendar`` library): the stop points as a calendar or the
municipality's EHR can subscribe to them.

Each stop point is one event: a whole-day entry (``DTSTART;VALUE=DATE``) for a deadline that is
a day, a timed entry of half an hour for a deadline at a time. The entry says only what the
subscriber may see: the patient's initials and the stop point's name, and the link to it in
Forløp, which opens through the access function. The UID is stable, so a calendar updates an
entry when its deadline moves and drops it when it is done.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from icalendar import Calendar, Event

from forlop.core.tz import OSLO
from forlop.pathways.selectors import ScheduleEntry

PRODID = "-//Forløp//Stop points//NB"
TIMED_LENGTH = timedelta(minutes=30)


def _uid(entry: ScheduleEntry) -> str:
    host = settings.FORLOP_BASE_URL.split("://", 1)[-1].split("/", 1)[0] or "forlop"
    return f"stop-point-{entry.stop_point_id}@{host}"


def feed(entries: Iterable[ScheduleEntry], *, name: str, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Oslo")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for entry in entries:
        event = Event()
        event.add("uid", _uid(entry))
        event.add("dtstamp", now)
        event.add("summary", entry.summary)
        url = f"{settings.FORLOP_BASE_URL}{entry.path}"
        event.add("url", url)
        event.add("description", url)
        local = entry.due_at.astimezone(OSLO)
        if entry.all_day:
            event.add("dtstart", local.date())
            event.add("dtend", local.date() + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            event.add("dtstart", local)
            event.add("dtend", local + TIMED_LENGTH)
        calendar.add_component(event)
    # Timed entries carry TZID=Europe/Oslo; RFC 5545 wants its VTIMEZONE in the file, and
    # Outlook and the EHRs' parsers need it (Google and Apple guess without it).
    calendar.add_missing_timezones()
    return calendar.to_ical()
