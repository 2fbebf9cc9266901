"""``{% pk_url %}`` gives exactly what ``{% url %}`` gives (core/templatetags/pk_url.py)."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch

PAGE = Template(
    "{% load pk_url %}{% for pk in pks %}{% pk_url 'patients:detail' pk %} {% url 'patients:detail' pk %}|{% endfor %}"
    "{% pk_url 'pathways:worklist' %} {% url 'pathways:worklist' %}"
)


def test_pk_url_writes_the_same_paths_as_url_for_every_row() -> None:
    # given rows whose numbers share digits with each other and with the placeholder
    pks = [1, 9, 98765, 987654321, 10**20]
    # when
    html = PAGE.render(Context({"pks": pks}))
    # then
    pairs = [part.split(" ") for part in html.split("|")]
    assert [a for a, b in pairs if a != b] == []
    assert pairs[0] == ["/patients/1/", "/patients/1/"]
    assert pairs[-1] == ["/pathways/worklist/", "/pathways/worklist/"]


@pytest.mark.parametrize("pk", [None, "", True, "7a"])
def test_pk_url_refuses_what_url_refuses(pk: object) -> None:
    # given a value that is not a row's number (a bool is not taken for 1)
    for tag in ("pk_url", "url"):
        page = Template(f"{{% load pk_url %}}{{% {tag} 'patients:detail' pk %}}")
        # when / then
        with pytest.raises(NoReverseMatch):
            page.render(Context({"pk": pk}))
