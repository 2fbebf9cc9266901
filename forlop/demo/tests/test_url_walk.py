"""No input ever gives a 500 (issue 11, defect 7), walked over every URL pattern.

On the demo data, as one demo user of each role (and the patient on /my/), the walk starts
at the home page and follows the links, ``hx-get`` targets and forms it finds, one concrete
URL per URL pattern and user. Every page is fetched clean and with junk query parameters
(impossible and out-of-range dates, negative page numbers, words for ids, very long strings,
a NUL byte), and every form found is posted with a junk value in each field. A page whose view
never reads its query string (``request.GET``, watched during the walk) gets one mixed junk set
only: the other values cannot reach it. A pattern the
walk did not reach is fetched with made-up arguments. Before it starts, the walk makes through
the services what the demo lacks (``walk_state.py``: a draft template, an emergency grant, a
measure counted by hand, rules, a calendar link). The walk asserts:

- no response is a 500 (the test client re-raises the view's exception, which is recorded);
- a junk POST changes nothing: the row count and latest update of every table are the same
  after it, apart from the audit log and the session (refusals are logged, by design);
- every URL pattern of the project (bar the Django admin's own) was requested.

One in-process client, no browser, no server: the whole walk is a few thousand requests.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.core.handlers.wsgi import WSGIRequest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from forlop.core.middleware import NulByteMiddleware
from forlop.core.models import User
from forlop.core.submit_once import FIELD
from forlop.demo.testing import demo_load
from forlop.demo.tests.walk_state import emergency_offer, state_the_demo_lacks

# The walk's counts (the patterns reached through links and forms) depend on the demo's state,
# and part of that state has fixed dates (the learning network's programme of 2026): on the
# clock's own day they drifted (17 unlinked patterns with the clock 180 days ahead, 13 on
# 2026-12-01). The demo is loaded on the walk's fixed day.
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-12-01T10:00+01:00")]

# One demo login per role, and the demo patient's portal login.
WALKERS = [
    "sykepleier",
    "tildeling",
    "fastlege",
    "sykehus",
    "leder",
    "forbedring",
    "koordinator",
    "admin",
]
NUL = "a\x00b"
LONG = "x" * 200_000
JUNK_VALUES = ["2026-13-45", "0001-01-01", "9999-12-31", "-1", "abc", LONG, NUL, "9" * 40]
STANDARD_PARAMS = ["date", "page", "unit", "from", "to", "q", "sort", "period", "service"]

# Posting these changes something by design with any body (no input to validate), or ends
# the walker's session.
ACTIONS_WITHOUT_INPUT = {
    "logout",
    "set-language",
}
# Tables a junk POST may touch: the audit log (refused reads and look-ups are logged), the
# session (messages), the login throttle's records.
UNWATCHED = {"core.auditevent", "sessions.session", "axes.accesslog", "axes.accessattempt"}


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> input type
    tag: str = "form"


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        for name in ("href", "hx-get", "src"):
            if attrs.get(name):
                self.links.append(attrs[name])
        if attrs.get("hx-post") and tag != "form":
            self.forms.append(Form("post", attrs["hx-post"], tag=tag))
        if tag == "form":
            method = "post" if attrs.get("hx-post") else attrs.get("method", "get").lower()
            self._form = Form(method, attrs.get("action") or attrs.get("hx-post", ""))
            self.forms.append(self._form)
        elif tag in {"input", "select", "textarea", "button"} and self._form is not None:
            name = attrs.get("name")
            if name and name != "csrfmiddlewaretoken":
                kind = attrs.get("type", tag) if tag == "input" else tag
                self._form.fields[name] = kind

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def all_patterns() -> Iterator[tuple[str, str]]:
    """(route pattern, view name) of every URL pattern, walked from the root urlconf."""

    def join(prefix: str, p: Any) -> str:
        # as ResolverMatch.route joins them: a regex's leading ^ is dropped
        return prefix + str(p.pattern).removeprefix("^")

    def walk(patterns: list[Any], prefix: str, ns: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                child = ns
                if p.namespace:
                    child = f"{ns}:{p.namespace}" if ns else p.namespace
                yield from walk(p.url_patterns, join(prefix, p), child)
            elif isinstance(p, URLPattern):
                yield join(prefix, p), f"{ns}:{p.name}" if ns else str(p.name)

    yield from walk(get_resolver().url_patterns, "", "")


def route_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def snapshot() -> dict[str, tuple[int, Any]]:
    """Row count and latest update of every table a junk POST must leave alone: one UNION ALL
    query (it runs before and after each of about 150 POSTs; two queries per table were a third
    of the walk's queries)."""
    quote = connection.ops.quote_name
    parts, labels = [], []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in UNWATCHED or not model._meta.managed or model._meta.proxy:
            continue
        columns = {f.column for f in model._meta.concrete_fields}
        latest = f"MAX({quote('updated_at')})" if "updated_at" in columns else "NULL"
        # our own table names; the label travels as a position, not in the SQL
        parts.append(
            f"SELECT {len(labels)}, COUNT(*), CAST({latest} AS TEXT) FROM {quote(model._meta.db_table)}"  # noqa: S608
        )
        labels.append(label)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {labels[at]: (count, latest) for at, count, latest in cursor.fetchall()}


def junk_queries(names: set[str], *, full: bool) -> list[dict[str, str]]:
    """Junk query strings over ``names``: one mixed set, or one per junk value when full."""
    names = set(names) | set(STANDARD_PARAMS)
    mixed = dict.fromkeys(names, "2026-13-45") | {"page": "-1", "unit": "abc", "from": "x"}
    if not full:
        return [mixed]
    return [mixed] + [dict.fromkeys(names, value) for value in JUNK_VALUES]


def inputs(form: Form) -> set[str]:
    """The fields a user fills in: not the hidden tokens, the submit buttons or checkboxes."""
    return {
        name
        for name, kind in form.fields.items()
        # a checkbox takes any value as "on": it cannot be junk
        if name not in {FIELD, "next"} and kind not in {"button", "submit", "checkbox"}
    }


def junk_body(form: Form) -> dict[str, str]:
    """A junk value for each field of the form, chosen to be invalid for its kind."""
    body = {}
    for name, kind in form.fields.items():
        if kind in {"date", "datetime-local", "month"}:
            body[name] = "2026-13-45"
        elif kind == "number":
            body[name] = "-99999999999999999999"
        elif kind == "file":
            continue
        else:
            body[name] = NUL
    return body or {"junk": NUL}


@dataclass
class Walk:
    client: Client
    failures: list[str] = field(default_factory=list)
    requested: set[str] = field(default_factory=set)
    forms: dict[str, tuple[str, Form]] = field(default_factory=dict)  # route -> (user, form)
    requested_junk: set[str] = field(default_factory=set)
    failed: set[str] = field(default_factory=set)
    count: int = 0
    crawled: set[str] = field(default_factory=set)
    untokened: set[str] = field(default_factory=set)
    reads_query: set[str] = field(default_factory=set)  # routes whose request.GET was read
    current: str | None = None

    def junk(self, route: str | None, path: str, params: set[str], who: str, *, full: bool) -> None:
        """The junk query strings for one page: the mixed set, then the rest only if the view
        read its query string (a view that never does renders the same page for any value).
        A page seen before (``full`` false) gets the mixed set again only if its view reads it."""
        if not full and route not in self.reads_query:
            return  # seen before, by another walker, and its view reads no query string
        mixed, *rest = junk_queries(params, full=full)
        self.request("get", path, mixed, who)
        if route in self.reads_query:
            for query in rest:
                self.request("get", path, query, who)

    def request(self, method: str, path: str, data: dict[str, str], who: str) -> Any:
        route = route_of(path)
        if route is not None:
            self.requested.add(route)
        self.count += 1
        self.current = route
        try:
            if method == "get":
                response = self.client.get(path, data)
            else:
                response = self.client.post(path, data)
        except Exception as exc:
            self.fail(
                f"{method.upper()} {route or path}",
                f"{path} {sorted(data)[:3]} as {who}: {type(exc).__name__}: {exc}",
            )
            return None
        if response.status_code >= 500:
            self.fail(
                f"{method.upper()} {route or path}", f"{path} as {who}: {response.status_code}"
            )
        return response

    def fail(self, key: str, text: str) -> None:
        """One failure per method and pattern is enough to go and fix it."""
        if key not in self.failed:
            self.failed.add(key)
            self.failures.append(f"{key}: {text}"[:400])

    def crawl(self, who: str, start: list[str]) -> None:
        """Breadth first from ``start``, one concrete URL per pattern for this user."""
        seen_routes: set[str] = set()
        queue = list(start)
        while queue:
            url = queue.pop(0)
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            path = parts.path
            route = route_of(path)
            if route is None or route in seen_routes or path.startswith(("/static/", "/admin/")):
                continue
            seen_routes.add(route)
            self.crawled.add(route)
            params = {k for k, _v in parse_qsl(parts.query)}
            response = self.request("get", path, dict(parse_qsl(parts.query)), who)
            first_time = route not in self.requested_junk
            self.requested_junk.add(route)
            if response is not None and response.status_code in {301, 302, 303}:
                queue.append(response["Location"])
            if response is None or response.status_code != 200:
                continue
            if "html" not in response.get("Content-Type", ""):
                # A download (PDF, CSV, workbook): its parameters once, with the mixed junk.
                if first_time:
                    self.request("get", path, junk_queries(params, full=False)[0], who)
                continue
            page = self.collect(who, path, response.content.decode())
            for form in page.forms:
                if form.method == "get":
                    params |= set(form.fields)
                    queue.append(urlsplit(form.action or path).path)
            queue.extend(page.links)
            self.junk(route, path, params, who, full=first_time)

    def collect(self, who: str, path: str, html: str) -> PageParser:
        """Parse a page and keep the first POST form found for each pattern, to post junk."""
        page = PageParser()
        page.feed(html)
        for form in page.forms:
            action = form.action or path
            if form.method == "get":
                continue
            action_route = route_of(urlsplit(action).path)
            if form.tag == "form" and FIELD not in form.fields:
                self.untokened.add(f"{action_route} (on {path})")
            if action_route is not None and action_route not in self.forms:
                self.forms[action_route] = (who, Form("post", urlsplit(action).path, form.fields))
        return page


def placeholder(route: str) -> str:
    """A concrete path for a pattern the walk did not reach: made-up arguments."""
    if "(?P<" in route or route.endswith("$"):  # a regular-expression pattern
        regex = re.sub(
            r"\(\?P<[^>]+>(?:[^()]|\([^()]*\))*\)",
            lambda group: "Zz" if "[A-Z]" in group.group(0) else "zz",
            route,
        )
        return "/" + regex.replace("\\", "").removesuffix("$")
    path = re.sub(r"<int:[^>]+>", "999999", route)
    return "/" + re.sub(r"<[^>]+>", "zz", path)


@pytest.fixture
def demo() -> None:
    demo_load()


def watch_query_reads(walk: Walk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Record the route of every request whose ``request.GET`` is read by a view, a form, a
    template or a middleware; not by the NUL-byte guard, which reads every query string (and
    refuses the NUL junk before any view)."""
    built = WSGIRequest.__dict__["GET"].func
    guard = NulByteMiddleware.__call__.__code__

    def get(request: WSGIRequest) -> Any:
        if walk.current is not None and sys._getframe(1).f_code is not guard:
            walk.reads_query.add(walk.current)
        if "_walk_get" not in request.__dict__:
            request.__dict__["_walk_get"] = built(request)
        return request.__dict__["_walk_get"]

    def set_get(request: WSGIRequest, value: Any) -> None:
        request.__dict__["_walk_get"] = value

    monkeypatch.setattr(WSGIRequest, "GET", property(get, set_get))


def test_no_input_gives_a_500_and_junk_posts_change_nothing(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forlop.portal.models import PortalAccount

    starts = state_the_demo_lacks()
    walk = Walk(Client())
    watch_query_reads(walk, monkeypatch)
    portal_user = PortalAccount.objects.select_related("user").first().user
    for username in [*WALKERS, portal_user.username]:
        walk.client.force_login(User.objects.get(username=username))
        walk.crawl(username, ["/", "/my/", *starts.get(username, [])])
    emergency_offer(walk)

    # Patterns not reached by links: made-up arguments, as the first walker.
    walk.client.force_login(User.objects.get(username=WALKERS[0]))
    for route, _name in all_patterns():
        if route.startswith("admin/") or route in walk.requested:
            continue
        path = placeholder(route)
        walk.junk(route_of(path), path, set(), WALKERS[0], full=True)

    # Junk POSTs: every form found, and every other pattern with a generic junk body.
    changed: list[str] = []
    without_input: list[str] = []
    users = {
        u.username: u for u in User.objects.filter(username__in=[*WALKERS, portal_user.username])
    }

    # Buttons without input last: publishing the draft or deleting its stop point first
    # would refuse the draft's other forms for its state, not for their junk.
    def button_only(pattern: tuple[str, str]) -> bool:
        return pattern[0] in walk.forms and not inputs(walk.forms[pattern[0]][1])

    for route, name in sorted(all_patterns(), key=button_only):
        if route.startswith("admin/") or name.split(":")[-1] in ACTIONS_WITHOUT_INPUT:
            continue
        who, form = walk.forms.get(route, (WALKERS[0], Form("post", placeholder(route))))
        walk.client.force_login(users[who])
        before = snapshot()
        walk.request("post", form.action, junk_body(form), who)
        after = snapshot()
        if route in walk.forms and not inputs(form):
            # A button with no input (mark a task done, end a membership): any body does it.
            without_input.append(name)
            continue
        if before != after:
            diff = sorted(k for k in after if before.get(k) != after[k])
            changed.append(f"POST {form.action} ({name}) as {who} changed {diff}")

    assert walk.failures == []
    assert changed == []
    # Every write form carries its one-time token (defect 8: a second send changes nothing).
    assert sorted(walk.untokened) == []
    missing = [
        name
        for route, name in all_patterns()
        if not route.startswith("admin/") and route not in walk.requested
    ]
    assert missing == []
    # The walk reached the pages through their own links and forms, not made-up arguments:
    # only login steps, the API endpoints and a few pages behind a state the demo lacks.
    reached = walk.crawled | set(walk.forms)
    unlinked = [
        name
        for route, name in all_patterns()
        if not route.startswith(("admin/", "login/", "logout/", "i18n/", "fhir/", "api/"))
        and route not in reached
    ]
    # 13 on 2026-12-01, from 30 before the walk made the state it lacked (drafts, emergency
    # access, a measure counted by hand, rules, a calendar link); left: states the demo has
    # nowhere (a proposal from the patient, an open survey, a national event, a decided cycle).
    assert len(unlinked) <= 13, unlinked
    print(  # noqa: T201 - the walk's figures, shown with pytest -s
        f"url walk: {walk.count} requests; {len(reached)} patterns reached by links and forms;"
        f" {len(walk.reads_query)} read their query string;"
        f" {len(without_input)} buttons without input; unlinked: {unlinked}"
    )


# --------------------------------------------------------------------------------------------
# The access walk: every page with an object id, seen from outside the patient's care
# --------------------------------------------------------------------------------------------

# Staff of Horten who reach pages with a patient's, a pathway's or a stop point's id.
CARERS = ["sykepleier", "tildeling", "fastlege", "sykehus", "leder"]
OUTSIDER = "sykepleier.tonsberg"  # primary contact in another municipality


def pages_with_ids(client: Client, start: list[str]) -> set[str]:
    """Every page reached from ``start`` by links whose pattern takes an object id (one
    concrete URL per pattern), without junk: what a carer can open."""
    found: set[str] = set()
    seen: set[str] = set()
    queue = list(start)
    while queue:
        parts = urlsplit(queue.pop(0))
        route = route_of(parts.path)
        if parts.netloc or route is None or route in seen or parts.path.startswith("/admin/"):
            continue
        seen.add(route)
        response = client.get(parts.path)
        if response.status_code in {301, 302, 303}:
            queue.append(response["Location"])
            continue
        if response.status_code != 200:
            continue
        if "<int:" in route:
            found.add(parts.path)
        if "html" in response.get("Content-Type", ""):
            page = PageParser()
            page.feed(response.content.decode())
            queue.extend(page.links)
    return found


def test_no_page_with_an_id_shows_a_patient_to_someone_outside_their_care(demo: None) -> None:
    from forlop.core.models import Membership
    from forlop.patients.models import Patient
    from forlop.portal.models import PortalAccount

    carers = Client()
    urls: set[str] = set()
    for username in CARERS:
        carers.force_login(User.objects.get(username=username))
        urls |= pages_with_ids(carers, ["/"])
    assert len(urls) >= 20  # patients, pathways, stop points, reports, goals ...

    account = PortalAccount.objects.select_related("user", "patient").first()
    outsider = User.objects.get(username=OUTSIDER)
    # Who must not be shown, by the facts rather than by the access rule under test: to the
    # other municipality's nurse every patient of another municipality, to the patient every
    # other patient, to an anonymous visitor everyone.
    theirs = Membership.objects.filter(user=outsider).values_list("unit__organisation", flat=True)
    everyone = {p.pk: p.full_name for p in Patient.objects.all()}
    viewers: dict[str, tuple[Client, set[str]]] = {}
    for name, user, hidden in (
        (
            "another municipality",
            outsider,
            {p.full_name for p in Patient.objects.exclude(municipality_id__in=list(theirs))},
        ),
        (
            "the patient",
            account.user,
            {full for pk, full in everyone.items() if pk != account.patient_id},
        ),
    ):
        client = Client()
        client.force_login(user)
        viewers[name] = (client, hidden)
    viewers["anonymous"] = (Client(), set(everyone.values()))
    assert all(hidden for _client, hidden in viewers.values())

    leaks: list[str] = []
    for url in sorted(urls):
        for name, (client, hidden) in viewers.items():
            response = client.get(url)
            body = response.content.decode(errors="replace")
            shown = sorted(full for full in hidden if full in body)
            if response.status_code == 200 and shown:
                leaks.append(f"{url} as {name}: {shown[:3]}")
            if name == "anonymous" and response.status_code == 200:
                leaks.append(f"{url} answered an anonymous visitor")
    assert leaks == []
