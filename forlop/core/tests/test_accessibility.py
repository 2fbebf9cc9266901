"""axe-core (the engine behind most accessibility audits) on the pages each user works in.

Runs in real Chromium on the demo data, in Norwegian, at a tablet's size, and fails on any
violation axe reports, whatever its impact.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser

from forlop.demo.loader import DEMO_PASSWORD, load_demo
from forlop.pathways.models import Pathway, StopPoint
from forlop.portal.models import PortalAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(axe: Axe, page) -> list[str]:
    result = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {node['html'][:120]}"
        for v in result.response["violations"]
        for node in v["nodes"]
    ]


def test_main_pages_have_no_axe_violations(live_server, browser: Browser) -> None:
    # given the demo
    load_demo(today=timezone.localdate())
    patient = PortalAccount.objects.get(user__username="pasient").patient
    pathway = Pathway.objects.filter(patient=patient).first()
    stop_point = StopPoint.objects.filter(pathway=pathway, definition__code="HPH2").first()
    pages = {
        "sykepleier": [
            "/patients/",
            f"/patients/{patient.pk}/",
            f"/patients/{patient.pk}/services/",
            "/pathways/worklist/",
            f"/pathways/stop-points/{stop_point.pk}/",
            f"/pathways/{pathway.pk}/",
            f"/goals/patient/{patient.pk}/",
        ],
        "leder": [
            "/pathways/leaders/",
            "/patients/audit/",
            "/measures/municipality/horten/",
            "/pathway-templates/",
        ],
        "pasient": ["/my/"],
    }
    axe = Axe()
    found: dict[str, list[str]] = {}
    anonymous = browser.new_page()
    anonymous.goto(f"{live_server.url}/login/")
    found["/login/"] = violations(axe, anonymous)
    for username, paths in pages.items():
        context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="nb-NO")
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
            found[path] = violations(axe, page)
        context.close()
    # then
    assert {path: v for path, v in found.items() if v} == {}
