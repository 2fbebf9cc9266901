"""The main pages of every role in real Chromium on the demo data, in Norwegian.

At a tablet's size (1024x768) axe-core (the engine behind most accessibility audits) fails on
any violation it reports, whatever its impact. At the tablet's and a phone's size (390x844)
no page scrolls sideways, and no page logs a console error or a Content-Security-Policy
violation, also after an htmx swap (an answer on a checklist): htmx's own inline indicator
styles are turned off and live in the stylesheet.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import Browser, Page

from forlop.demo.loader import DEMO_PASSWORD
from forlop.demo.testing import demo_load
from forlop.pathways.models import Pathway, StopPoint
from forlop.portal.models import PortalAccount

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"tablet": (1024, 768), "phone": (390, 844)}
# Every CSP violation, as the page's own event reports it (also those Chromium does not log).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def violations(axe: Axe, page) -> list[str]:
    result = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {node['html'][:120]}"
        for v in result.response["violations"]
        for node in v["nodes"]
    ]


def overflow(page: Page, width: int) -> list[str]:
    """The elements that reach past the viewport's right edge, if the page scrolls sideways."""
    return page.evaluate(
        """(width) => document.documentElement.scrollWidth <= width ? [] :
        [...document.querySelectorAll("body *")]
          .filter((e) => e.getBoundingClientRect().right > width + 1)
          .slice(-3).map((e) => e.tagName + "." + e.className)""",
        width,
    )


def test_main_pages_are_clean_on_a_tablet_and_a_phone(live_server, browser: Browser) -> None:
    # given the demo
    demo_load(today=timezone.localdate())
    patient = PortalAccount.objects.get(user__username="pasient").patient
    pathway = Pathway.objects.filter(patient=patient).first()
    # An open HPH2 of the nurse's (the portal patient's checklists are all signed: the goals
    # demo works through both of its episodes).
    stop_point = (
        StopPoint.objects.filter(
            definition__code="HPH2",
            completed_at__isnull=True,
            interrupted_at__isnull=True,
            not_relevant_at__isnull=True,
            pathway__ended_at__isnull=True,
            pathway__patient__primary_contact__username="sykepleier",
        )
        .order_by("pk")
        .first()
    )
    pages = {
        "sykepleier": [
            "/patients/",
            f"/patients/{patient.pk}/",
            f"/patients/{patient.pk}/services/",
            "/pathways/worklist/",
            "/pathways/worklist/print/",
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
        "sykehus": ["/pathways/ward/"],
        "fastlege": ["/pathways/worklist/"],
        "forbedring": ["/improvement/"],
        "pasient": ["/my/"],
    }
    axe = Axe()
    found: dict[str, list[str]] = {}
    anonymous = browser.new_page()
    anonymous.goto(f"{live_server.url}/login/")
    found["/login/"] = violations(axe, anonymous)
    problems: dict[str, list[str]] = {}
    for username, paths in pages.items():
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height}, locale="nb-NO"
            )
            context.add_init_script(WATCH_CSP)
            page = context.new_page()
            errors: list[str] = []
            page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc, e=errors: e.append(str(exc)))
            page.goto(f"{live_server.url}/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.press("#id_password", "Enter")
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None
                assert response.status == 200, path
                if "/stop-points/" in path and size == "tablet":
                    # an htmx swap: one answer saved
                    row = page.locator('form[data-key="legemiddelliste"]')
                    row.locator('[data-testid="answer-yes"]').click()
                    row.wait_for(state="attached")
                    page.wait_for_selector('form[data-key="legemiddelliste"][data-state="saved"]')
                if size == "tablet":
                    found[path] = violations(axe, page)
                key = f"{username} {size} {path}"
                problems[key] = overflow(page, width) + page.evaluate("window.__csp")
                problems[key] += errors
                errors.clear()
            context.close()
    # then
    assert {path: v for path, v in found.items() if v} == {}
    assert {key: p for key, p in problems.items() if p} == {}
