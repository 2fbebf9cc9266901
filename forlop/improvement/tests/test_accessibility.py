"""axe-core on the learning network's pages, as the demo's coordinator and team member (and the
leader and nurse where they see the method's pages: the leaders' view and the huddle board),
in Norwegian: at a tablet's size no axe-core violation of any impact, and at a tablet's and a
phone's size no page wider than the screen (the main pages' policy, core's test). The driver
diagram's page (its SVG and its list) is among them."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser

from forlop.core.tests.test_accessibility import violations
from forlop.demo.loader import DEMO_PASSWORD
from forlop.demo.testing import demo_load
from forlop.improvement.models import GuidanceInvitation, Network, PdsaCycle, Team

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_learning_network_pages_have_no_axe_violations(live_server, browser: Browser) -> None:
    demo_load(today=timezone.localdate())
    network = Network.objects.get(code="vestfold")
    team = Team.objects.get(network=network, name="Horten kommune")
    first, second = (g.pk for g in network.gatherings.filter(number__in=(1, 2)).order_by("number"))
    session = GuidanceInvitation.objects.filter(team=team).order_by("session__starts_at").first()
    aim = team.aims.order_by("pk").first()
    cycle = PdsaCycle.objects.filter(team=team, decision="adopt").first()
    team_pages = [
        reverse("improvement:team", args=(team.pk,)),
        reverse("improvement:team-members", args=(team.pk,)),
        reverse("improvement:interviews", args=(team.pk,)),
        reverse("improvement:aims", args=(team.pk,)),
        reverse("improvement:report", args=(team.pk, second)),
        reverse("improvement:report", args=(team.pk, first)),
        reverse("improvement:poster", args=(team.pk, second)),
        reverse("improvement:gathering", args=(first,)),
        # The model for improvement
        reverse("improvement:diagram", args=(team.pk, aim.pk)),
        reverse("improvement:ideas", args=(team.pk,)),
        reverse("improvement:idea", args=(team.pk, cycle.idea_id)),
        reverse("improvement:cycles", args=(team.pk,)),
        reverse("improvement:cycle", args=(team.pk, cycle.pk)),
        reverse("improvement:progress", args=(team.pk,)),
        reverse("improvement:plans", args=(team.pk,)),
    ]
    pages = {
        "koordinator": [
            reverse("improvement:index"),
            reverse("improvement:network", args=(network.code,)),
            reverse("improvement:guidance-create", args=(network.code,)),
            reverse("improvement:guidance", args=(session.session_id,)),
            reverse("improvement:network-progress", args=(network.code,)),
            *team_pages,
        ],
        "forbedring": [
            reverse("improvement:index"),
            reverse("improvement:interview", args=(team.pk, 1)),
            reverse("improvement:guidance-respond", args=(team.pk, session.pk)),
            *team_pages,
        ],
        "leder": [
            reverse("pathways:leader"),
            reverse("improvement:aims", args=(team.pk,)),
            reverse("improvement:cycle", args=(team.pk, cycle.pk)),
            reverse("improvement:board", args=("horten-nord",)),
        ],
        "sykepleier": [reverse("improvement:board", args=("horten-nord",))],
    }
    # The leaders' view's own adherence tables are wider than a phone (the engine's page, being
    # reworked for daily use elsewhere); its improvement section is checked by axe all the same.
    wide_ok = {reverse("pathways:leader")}
    axe = Axe()
    found: dict[str, list[str]] = {}
    for width, height in ((1024, 768), (390, 844)):
        for username, paths in pages.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="nb-NO"
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.press("#id_password", "Enter")
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None
                assert response.status == 200, path
                key = f"{username} {width} {path}"
                # axe-core at the tablet's size, as for the main pages (core's test); at the
                # phone's, the page must not scroll sideways
                found[key] = violations(axe, page) if width == 1024 else []
                found[key] += (
                    ["the page is wider than the screen"]
                    if path not in wide_ok
                    and page.evaluate(
                        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
                    )
                    else []
                )
            context.close()
    assert {key: v for key, v in found.items() if v} == {}
