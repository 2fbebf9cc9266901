"""``{% include_keyed %}`` gives what ``{% include … with … only %}`` gives, rendering each
distinct set of values once per response (core/templatetags/include_keyed.py)."""

from __future__ import annotations

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation
from template_partials.templatetags.partials import TemplateProxy

OSLO = ZoneInfo("Europe/Oslo")
DEADLINE = "pathways/worklist.html#deadline"
STATUS = "pathways/worklist.html#status-tag"


def _pair(fragment: str, args: str) -> Template:
    return Template(
        "{% load include_keyed %}"
        f'{{% include_keyed "{fragment}" {args} %}}|{{% include "{fragment}" with {args} only %}}'
    )


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize(
    ("due_at", "all_day", "days_overdue"),
    [
        (datetime(2026, 12, 3, tzinfo=OSLO), True, None),
        (datetime(2026, 12, 3, 14, 30, tzinfo=OSLO), False, None),
        (datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("UTC")), False, 0),  # the DST night
        (datetime(2026, 11, 30, tzinfo=OSLO), True, 1),
        (datetime(2026, 11, 1, tzinfo=OSLO), True, 32),
    ],
)
def test_include_keyed_writes_what_include_writes(
    language: str, due_at: datetime, all_day: bool, days_overdue: int | None
) -> None:
    # given a deadline fragment and its values
    page = _pair(DEADLINE, "due_at=due_at all_day=all_day days_overdue=days_overdue")
    context = {"due_at": due_at, "all_day": all_day, "days_overdue": days_overdue}
    # when
    with translation.override(language):
        keyed, plain = page.render(Context(context)).split("|")
    # then
    assert keyed == plain
    assert "<time" in keyed


def test_include_keyed_renders_each_distinct_value_once_per_response() -> None:
    # given ten cards with three statuses between them
    page = Template(
        "{% load include_keyed %}{% for status in statuses %}"
        f'{{% include_keyed "{STATUS}" status=status %}};{{% endfor %}}'
    )
    statuses = ["overdue", "due", "overdue", "done", "due", "overdue", "due", "due", "done", "due"]
    # when
    with mock.patch.object(
        TemplateProxy, "render", autospec=True, side_effect=TemplateProxy.render
    ) as render:
        html = page.render(Context({"statuses": statuses}))
        page.render(Context({"statuses": statuses}))
    # then each response renders each status once, and repeats its HTML
    assert render.call_count == 2 * 3
    tags = html.split(";")[:-1]
    assert len(tags) == 10
    assert tags[0] == tags[2] == tags[5]
    assert "status--overdue" in tags[0]
    assert tags[1] != tags[0]
    assert "status--due" in tags[1]


def test_include_keyed_fragment_sees_only_its_values() -> None:
    # given a value in the page's context that the tag does not pass on
    page = Template(f'{{% load include_keyed %}}{{% include_keyed "{STATUS}" %}}')
    # when
    html = page.render(Context({"status": "overdue"}))
    # then the fragment did not see it (so its HTML follows from its values alone)
    assert html.strip() == ""


def test_include_keyed_renders_an_unhashable_value_every_time() -> None:
    # given a value that cannot be a key (a dict), twice
    page = Template(
        "{% load include_keyed %}{% for status in statuses %}"
        f'{{% include_keyed "{STATUS}" status=status extra=extra %}}{{% endfor %}}'
    )
    # when
    with mock.patch.object(
        TemplateProxy, "render", autospec=True, side_effect=TemplateProxy.render
    ) as render:
        html = page.render(Context({"statuses": ["due", "due"], "extra": {"a": 1}}))
    # then it is rendered as a plain include would be, each time
    assert render.call_count == 2
    assert html.count("status--due") == 2


def test_include_keyed_keeps_no_html_across_responses_in_other_languages() -> None:
    # given the same page rendered in bokmål and then in English
    page = Template(f'{{% load include_keyed %}}{{% include_keyed "{STATUS}" status="overdue" %}}')
    # when
    with translation.override("nb"):
        nb = page.render(Context())
    with translation.override("en"):
        en = page.render(Context())
    # then each response made its own
    assert ">Forfalt<" in nb
    assert ">Overdue<" in en
