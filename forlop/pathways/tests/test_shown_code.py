"""The daily care plan is named by its title, not by its code "DAILY" (issue 10, item 10).

The code stays in the data (tests, the JSON API, exports, notification rules refer to it); only
what users read changes. Every page a nurse sees it on is checked with the attributes (data-code,
ids) taken out, so a "DAILY" left in the text fails.
"""

from __future__ import annotations

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from forlop.pathways.models import StopPointDefinition

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    """The page without its tags' attributes: what a user reads (and the tag names)."""
    return re.sub(r"<([a-zA-Z0-9]+)\s[^>]*>", r"<\1>", html)


def test_the_shipped_daily_care_plan_hides_its_code_and_the_hph_stop_points_show_theirs(
    hph_version,
):
    codes = dict(hph_version.definitions.values_list("code", "show_code"))
    assert codes == {
        "HPH0": True,
        "HPH1": True,
        "HPH2": True,
        "HPH3": True,
        "HPH4": True,
        "HPH5": True,
        "HPH6": True,
        "DAILY": False,
    }
    daily = hph_version.definitions.get(code="DAILY")
    assert (daily.shown_code, daily.short_name, daily.label) == (
        "",
        "Daglig tiltaksplan",
        "Daglig tiltaksplan",
    )
    hph2 = hph_version.definitions.get(code="HPH2")
    assert (hph2.shown_code, hph2.label) == ("HPH2", "HPH2 Strukturert oppfølging av sykepleier")


def test_the_migration_hides_the_code_of_stored_daily_care_plans(hph_version):
    StopPointDefinition.objects.update(show_code=True)
    migration = importlib.import_module("forlop.pathways.migrations.0006_definition_show_code")
    migration.hide_daily_code(apps, None)
    hidden = set(StopPointDefinition.objects.filter(show_code=False).values_list("code", flat=True))
    assert hidden == {"DAILY"}


# The print page of the day the daily plan falls due (start + 1 day) lists that day and the rest
# of its week, and HPH2 (start + 3 days) must be on it: whether it is depends on the weekday of
# a start five days before now. With the clock moved 400 days ahead the plan fell due on a
# Saturday and HPH2 on the next Monday, so the test failed; Tuesday 1 December keeps both in
# one week.
@pytest.mark.clock("2026-12-01T10:00+01:00")
def test_the_nurse_reads_the_daily_care_plan_by_its_title_on_every_page(
    client, nurse, district, pathway
):
    daily = pathway.stop_points.get(definition__code="DAILY")
    client.force_login(nurse)
    pages = {
        "worklist": reverse("pathways:worklist"),
        "print": reverse("pathways:worklist-print")
        + f"?unit={district.pk}&date={timezone.localdate(daily.due_at).isoformat()}",
        "chain": reverse("pathways:pathway-detail", args=[pathway.pk]),
        "checklist": reverse("pathways:stop-point-detail", args=[daily.pk]),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = _text(response.content.decode())
        assert "Daglig tiltaksplan" in text, name
        assert "DAILY" not in text, name
        # the HPH stop points keep their codes beside the title
        if name != "checklist":
            assert "<strong>HPH2</strong> Strukturert oppfølging av sykepleier" in text, name
    checklist = _text(client.get(pages["checklist"]).content.decode())
    assert "<title>Daglig tiltaksplan ·" in checklist
    # the code is still the data's: the cards carry it for tests and scripts
    assert 'data-code="DAILY"' in client.get(pages["worklist"]).content.decode()


def test_the_template_editor_keeps_the_code_and_offers_the_switch(client, hph_version, make_member):
    from forlop.authoring.forms import DefinitionForm
    from forlop.core.models import Role
    from forlop.core.tests.factories import UnitFactory

    daily = hph_version.definitions.get(code="DAILY")
    assert DefinitionForm.initial_for(daily)["show_code"] is False
    assert "show_code" in DefinitionForm().fields
    detail = reverse("authoring:detail", args=[hph_version.template.pk])
    admin = make_member(UnitFactory(), Role.ADMINISTRATOR, username="admin1")
    client.force_login(admin)
    response = client.get(detail)
    assert response.status_code == 200
    assert "<code>DAILY</code> Daglig tiltaksplan" in response.content.decode()
