"""The pages: calendar feeds (icalendar), bad input refused in Norwegian with nothing saved,
the bell and marking read, who may open what."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from forlop.core.models import User
from forlop.core.tz import OSLO
from forlop.notifications import selectors, services
from forlop.notifications.models import CalendarToken, Notification, NotificationRule, Preference
from forlop.notifications.tests.conftest import HOME
from forlop.pathways.models import Pathway
from forlop.pathways.selectors import worklist_counts
from forlop.pathways.tests.factories import oslo

pytestmark = pytest.mark.django_db

NOW = oslo(2026, 3, 13, 9)  # Friday: HPH2 (due Thursday) and the daily care plan are overdue


@pytest.fixture
def pathway(start_hph: Callable[..., Pathway], patient: Any, district: Any, nurse: User) -> Pathway:
    return start_hph(patient, district, nurse, at=HOME, now=HOME)


@time_machine.travel(NOW, tick=False)
def test_the_calendar_feed_parses_and_a_revoked_token_gets_404(
    client: Any, pathway: Pathway, nurse: User, district: Any, patient: Any
) -> None:
    # given the nurse makes a calendar link
    client.force_login(nurse)
    page = client.post("/notifications/settings/calendar/new/")
    assert page.status_code == 200
    token = CalendarToken.objects.get(user=nurse)
    html = page.content.decode()
    start = html.index("/notifications/feed/") + len("/notifications/feed/")
    raw = html[start : html.index(".ics", start)]
    assert services.token_hash(raw) == token.token_hash
    client.logout()

    # when a calendar client with no session reads it
    response = client.get(f"/notifications/feed/{raw}.ics")

    # then it is iCalendar with the stop points on her list: initials and name, and a link
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]).split(" ", 3)[2]: e for e in calendar.walk("VEVENT")}
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    event = events["HPH2"]
    assert str(event["summary"]) == f"A.T. – HPH2 {hph2.definition.title}"
    assert str(event["uid"]) == f"stop-point-{hph2.pk}@127.0.0.1:8000"
    assert event.decoded("dtstart").isoformat() == "2026-03-12"  # a whole day
    assert str(event["url"]).endswith(f"/pathways/stop-points/{hph2.pk}/")
    body = response.content.decode()
    for secret in ("Astrid", "Testesen", patient.identity_number):
        assert secret not in body
    # her list's stop points only: HPH0 and HPH1 are the hospital's and the allocation office's;
    # HPH3 is home care's (it books the visit and sends the information), with the GP's part
    # (the daily care plan by its title: its code "DAILY" is not shown to users)
    assert sorted(events) == ["Daglig", "HPH2", "HPH3", "HPH5"]
    assert str(events["Daglig"]["summary"]) == "A.T. – Daglig tiltaksplan"
    # the unit's feed, for a member
    unit = client.get(f"/notifications/feed/{raw}/unit/{district.code}.ics")
    assert unit.status_code == 200
    assert len(Calendar.from_ical(unit.content).walk("VEVENT")) >= 1
    assert client.get(f"/notifications/feed/{raw}/unit/andre-enhet.ics").status_code == 404

    # when she revokes it, the same URL is 404, as an unknown one is
    client.force_login(nurse)
    assert client.post("/notifications/settings/calendar/revoke/").status_code == 302
    client.logout()
    assert client.get(f"/notifications/feed/{raw}.ics").status_code == 404
    assert client.get("/notifications/feed/not-a-token.ics").status_code == 404
    assert CalendarToken.objects.get(user=nurse).revoked_at == NOW


def _day(start: date | datetime) -> date:
    """A feed entry's day: a whole-day entry is a date, a timed one a time in Oslo."""
    return start.astimezone(OSLO).date() if isinstance(start, datetime) else start


@time_machine.travel(NOW, tick=False)
def test_the_a4_day_list_carries_the_feeds_stop_points_for_its_days(
    client: Any, pathway: Pathway, nurse: User
) -> None:
    # given the nurse's calendar feed and her printed day (overdue, today and this week)
    client.force_login(nurse)
    page = client.post("/notifications/settings/calendar/new/").content.decode()
    start = page.index("/notifications/feed/") + len("/notifications/feed/")
    raw = page[start : page.index(".ics", start)]
    feed = Calendar.from_ical(client.get(f"/notifications/feed/{raw}.ics").content)
    printed = client.get("/pathways/worklist/print/")
    assert printed.status_code == 200
    html = printed.content.decode()

    # then the feed's entries up to Sunday are the printed rows, each by its name
    sunday = NOW.date() + timedelta(days=6 - NOW.weekday())
    week = [
        str(e["summary"]).split(" – ", 1)[1]
        for e in feed.walk("VEVENT")
        if _day(e.decoded("dtstart")) <= sunday
    ]
    assert len(week) >= 2  # HPH2 and the daily care plan, overdue on Friday
    assert html.count('data-testid="print-row"') == len(week)
    for name in week:
        assert name.split(" ", 1)[-1] in html


def test_timed_deadlines_are_timed_entries() -> None:
    from forlop.notifications.feeds import feed
    from forlop.pathways.rules import StopPointStatus
    from forlop.pathways.selectors import ScheduleEntry

    entry = ScheduleEntry(
        stop_point_id=7,
        initials="A.T.",
        code="HPH6",
        title="Innleggelse",
        due_at=oslo(2026, 3, 10, 14, 30),
        all_day=False,
        status=StopPointStatus.DUE,
    )
    (event,) = Calendar.from_ical(feed([entry], name="x", now=oslo(2026, 3, 10))).walk("VEVENT")
    assert event.decoded("dtstart") == oslo(2026, 3, 10, 14, 30)
    assert event.decoded("dtend") == oslo(2026, 3, 10, 15, 0)
    assert str(event["dtstart"].params["TZID"]) == "Europe/Oslo"
    # the file carries that time zone's definition, as RFC 5545 asks (Outlook needs it)
    calendar = Calendar.from_ical(feed([entry], name="x", now=oslo(2026, 3, 10)))
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Oslo"]


def _post_rule(client: Any, **changes: Any) -> Any:
    data = {
        "template_code": "hph",
        "stop_point_code": "HPH2",
        "trigger": "before_due",
        "target": "owner",
        "delay_days": "1",
        "repeat_days": "",
        "message": "",
        "active": "on",
        **changes,
    }
    return client.post("/notifications/rules/", data)


def test_bad_rules_are_refused_in_norwegian_and_nothing_is_saved(
    client: Any, admin_user: User, municipality: Any, hph_version: Any
) -> None:
    services.rules_adopt_defaults(actor=admin_user, organisation=municipality)
    before = list(NotificationRule.objects.order_by("pk").values())
    client.force_login(admin_user)
    cases = [
        ({"target": "the-cleaner"}, "Ukjent mottaker. Velg en av mottakerne i listen."),
        ({"delay_days": "-2"}, "Forsinkelsen kan ikke være negativ."),
        ({"stop_point_code": "HPH9"}, "Malen har ikke noe stoppunkt HPH9."),
        ({"template_code": "ukjent"}, "Velg en av kommunens forløpsmaler."),
        ({"trigger": "admitted"}, "Bare et stoppunkt har en eier"),
        ({"delay_days": "to"}, "Skriv et helt antall arbeidsdager."),
        ({"delay_days": "61"}, "Skriv høyst 60 arbeidsdager."),
        ({"delay_days": "99999999999999999999"}, "Skriv høyst 60 arbeidsdager."),
        ({"trigger": "overdue", "repeat_days": "400"}, "Skriv høyst 60 arbeidsdager."),
        # the shipped default's HPH2 day-before rule, adopted above: twice would remind twice
        ({}, "Kommunen har denne regelen allerede: endre den i stedet."),
    ]
    for changes, message in cases:
        response = _post_rule(client, **changes)
        assert response.status_code == 400, changes
        assert message in response.content.decode(), changes
    assert list(NotificationRule.objects.order_by("pk").values()) == before
    # and the service refuses the same without the form (an unknown target in the data)
    with pytest.raises(ValidationError) as exc:
        services.rule_save(
            actor=admin_user,
            organisation=municipality,
            template_code="hph",
            trigger="overdue",
            target="the-cleaner",
        )
    assert "Ukjent mottaker" in str(exc.value)
    assert list(NotificationRule.objects.order_by("pk").values()) == before
    # a good rule is saved
    assert _post_rule(client, delay_days="2").status_code == 302
    assert NotificationRule.objects.count() == len(before) + 1


def test_bad_preferences_are_refused_in_norwegian_and_nothing_is_saved(
    client: Any, nurse: User
) -> None:
    services.preference_save(user=nurse, email_mode="none", digest_hour=7)
    before = list(Preference.objects.values())
    client.force_login(nurse)
    for data, message in [
        (
            {"email_mode": "digest", "digest_hour": "25", "email": "nina@example.no"},
            "Klokkeslettet for oppsummeringen må være en hel time fra 0 til 23 (du skrev 25).",
        ),
        (
            {"email_mode": "digest", "digest_hour": "7", "email": "nina(at)example"},
            "Dette er ikke en e-postadresse. Skriv den som navn@eksempel.no.",
        ),
        (
            {"email_mode": "sometimes", "digest_hour": "7", "email": ""},
            "Velg straks, en daglig oppsummering eller ingen e-post.",
        ),
    ]:
        response = client.post("/notifications/settings/", data)
        assert response.status_code == 400
        assert message in response.content.decode()
    assert list(Preference.objects.values()) == before
    response = client.post(
        "/notifications/settings/",
        {"email_mode": "digest", "digest_hour": "15", "email": "nina@example.no"},
    )
    assert response.status_code == 302
    assert Preference.objects.get(user=nurse).digest_hour == 15


@time_machine.travel(NOW, tick=False)
def test_the_bell_counts_from_the_work_list_and_marking_read_lowers_it(
    client: Any, pathway: Pathway, nurse: User
) -> None:
    # given the shipped defaults made the nurse's overdue reminders
    services.notifications_run(now=timezone.now())
    # only what is on her work list (not HPH0 and HPH1, which other roles' lists show)
    assert sorted(
        Notification.objects.filter(recipient=nurse).values_list(
            "stop_point__definition__code", flat=True
        )
    ) == ["DAILY", "HPH2"]
    overdue = worklist_counts(user=nurse, now=NOW)["overdue"]
    assert overdue == 2  # HPH2 and the first daily care plan
    assert selectors.bell_count(user=nurse, now=NOW) == overdue
    client.force_login(nurse)
    page = client.get("/pathways/worklist/").content.decode()
    assert f'data-testid="bell-count">{overdue}<' in page
    # when she marks one read (htmx): the list and the bell change
    first = Notification.objects.filter(recipient=nurse).order_by("pk").first()
    assert first is not None
    response = client.post(f"/notifications/{first.pk}/read/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in response.content.decode()
    assert f'data-testid="bell-count">{overdue - 1}<' in response.content.decode()
    assert selectors.bell_count(user=nurse, now=NOW) == overdue - 1
    # another's notification is left alone
    assert (
        services.notification_mark_read(user=User(pk=9999), notification_id=first.pk, now=NOW) == 0
    )


@time_machine.travel(NOW, tick=False)
def test_the_menu_builds_the_work_list_scope_once_for_badge_and_bell(
    client: Any, pathway: Pathway, nurse: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forlop.pathways import selectors as pathway_selectors

    services.notifications_run(now=timezone.now())
    built: list[int] = []
    real = pathway_selectors.worklist_scope

    def counted(**kwargs: Any) -> Any:
        built.append(kwargs["user"].pk)
        return real(**kwargs)

    # the module, not the package's ``worklist`` function of the same name
    worklist_module = importlib.import_module("forlop.pathways.selectors.worklist")

    monkeypatch.setattr(pathway_selectors, "worklist_scope", counted)
    monkeypatch.setattr(worklist_module, "worklist_scope", counted)
    client.force_login(nurse)
    page = client.get("/password/").content.decode()
    # both are on the page, from one scope
    assert 'data-testid="bell-count">2<' in page
    assert 'data-testid="nav-overdue">2<' in page
    assert built == [nurse.pk]


def test_who_may_open_the_pages(client: Any, nurse: User, leader: User, admin_user: User) -> None:
    assert client.get("/notifications/").status_code == 302  # to the login
    client.force_login(nurse)
    assert client.get("/notifications/").status_code == 200
    assert client.get("/notifications/rules/").status_code == 403
    assert client.get("/notifications/weekly/").status_code == 403
    client.force_login(leader)
    assert client.get("/notifications/weekly/").status_code == 200
    client.force_login(admin_user)
    assert client.get("/notifications/rules/").status_code == 200
    assert client.get("/notifications/failed/").status_code == 200


def test_the_shipped_defaults_are_local_defaults() -> None:
    from forlop.notifications.defaults import HPH_DEFAULTS

    rows = NotificationRule.objects.filter(organisation__isnull=True).order_by("pk")
    assert [(r.trigger, r.target, r.stop_point_code, r.delay_days, r.message) for r in rows] == [
        (d.trigger, d.target, d.stop_point_code, d.delay_days, d.message) for d in HPH_DEFAULTS
    ]
    assert all(r.local_default and r.template_code == "hph" for r in rows)
