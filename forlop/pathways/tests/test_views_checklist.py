"""Checklist pages through the client: the permission ladder, answers, completion, reasons."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from forlop.core.models import Role
from forlop.core.tests.factories import UnitFactory
from forlop.pathways.models import (
    ChecklistAnswer,
)
from forlop.pathways.tests.helpers import answer_url, item, value_key

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


# --------------------------------------------------------------------------------------------
# Checklist
# --------------------------------------------------------------------------------------------


def test_checklist_permission_ladder(
    client, make_member, nurse, other_municipality, other_district, hph2
):
    url = reverse("pathways:stop-point-detail", args=[hph2.pk])
    # anonymous
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # another municipality
    far_unit = UnitFactory(organisation=other_municipality, code="andrevik-hjem")
    client.force_login(make_member(far_unit, Role.PRIMARY_CONTACT, username="far"))
    assert client.get(url).status_code == 404
    assert client.post(answer_url(hph2, item(hph2, "brannsikkerhet")), {}).status_code == 404
    # another unit in the same municipality
    client.force_login(make_member(other_district, Role.PRIMARY_CONTACT, username="south"))
    assert client.get(url).status_code == 404
    # the serving unit
    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == hph2.definition.items.count()
    assert ChecklistAnswer.objects.count() == 0


def test_answer_is_saved_at_once_and_row_comes_back_saved(client, nurse, hph2):
    client.force_login(nurse)
    it = item(hph2, "legemiddelliste")
    response = client.post(
        answer_url(hph2, it), {value_key(it): "yes", "answer_revision": 0}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="saved"' in html
    assert 'hx-swap-oob="outerHTML:.js-revision"' in html
    assert 'value="1"' in html
    answer = ChecklistAnswer.objects.get()
    assert (answer.item, answer.value, answer.answered_by) == (it, True, nurse)
    hph2.refresh_from_db()
    assert hph2.revision == 1


def test_answer_without_htmx_redirects_back_to_the_item(client, nurse, hph2):
    client.force_login(nurse)
    it = item(hph2, "fallrisiko")
    response = client.post(answer_url(hph2, it), {value_key(it): "Lav", "answer_revision": 0})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{it.pk}")
    assert ChecklistAnswer.objects.get().value == "Lav"


def test_answer_for_an_item_of_another_version_is_refused(client, nurse, hph2, pathway):
    client.force_login(nurse)
    other = pathway.stop_points.get(definition__code="HPH3").definition.items.first()
    response = client.post(
        answer_url(hph2, other), {value_key(other): "yes", "answer_revision": 0}, headers=HTMX
    )
    assert response.status_code == 404
    assert ChecklistAnswer.objects.count() == 0


def test_not_relevant_needs_a_reason(client, nurse, hph2):
    client.force_login(nurse)
    it = item(hph2, "brannsikkerhet")
    response = client.post(
        answer_url(hph2, it),
        {value_key(it): "not_relevant", "answer_revision": 0},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'data-state="invalid"' in response.content.decode()
    assert ChecklistAnswer.objects.count() == 0
    response = client.post(
        answer_url(hph2, it),
        {
            value_key(it): "not_relevant",
            f"item-{it.pk}-not_relevant_reason": "Bor i omsorgsbolig med sprinkler",
            "answer_revision": 0,
        },
        headers=HTMX,
    )
    answer = ChecklistAnswer.objects.get()
    assert (answer.value, answer.not_relevant_reason) == (None, "Bor i omsorgsbolig med sprinkler")


def test_a_different_item_saves_the_same_item_shows_both_answers(client, nurse, hph2):
    client.force_login(nurse)
    first = item(hph2, "legemiddelliste")
    second = item(hph2, "funksjon-iplos")
    client.post(answer_url(hph2, first), {value_key(first): "yes", "answer_revision": 0})
    # a second person loaded the page before: another item saves
    response = client.post(
        answer_url(hph2, second), {value_key(second): "no", "answer_revision": 0}, headers=HTMX
    )
    assert 'data-state="saved"' in response.content.decode()
    # the same item, changed since it was loaded: both answers, nothing saved
    response = client.post(
        answer_url(hph2, first), {value_key(first): "no", "answer_revision": 0}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx: the error partial, see views' docstring
    assert 'data-state="conflict"' in html
    assert re.search(r'data-testid="conflict-theirs">.*<strong>Ja</strong>', html)
    assert re.search(r'data-testid="conflict-mine">.*<strong>Nei</strong>', html)
    assert 'name="answer_revision" value="1"' in html  # "Keep mine" saves over it
    assert 'hx-trigger="submit"' in html  # no save on change until the user chooses
    assert "hx-swap-oob" not in html
    plain = client.post(answer_url(hph2, first), {value_key(first): "no", "answer_revision": 0})
    assert plain.status_code == 409
    assert dict(ChecklistAnswer.objects.values_list("item__key", "value")) == {
        "legemiddelliste": True,
        "funksjon-iplos": False,
    }
    # "Keep theirs" gets the row as stored; "Keep mine" posts with the stored revision
    kept = client.get(answer_url(hph2, first), headers=HTMX).content.decode()
    assert 'data-state="idle"' in kept
    assert 'value="yes" class="ds-input" id="id_item-' in kept
    assert "checked" in kept
    response = client.post(
        answer_url(hph2, first), {value_key(first): "no", "answer_revision": 1}, headers=HTMX
    )
    assert 'data-state="saved"' in response.content.decode()
    assert ChecklistAnswer.objects.get(item=first).value is False


def fill_required(client, stop_point):
    revision = stop_point.revision
    for key, value in [
        ("legemiddelliste", "yes"),
        ("funksjon-iplos", "yes"),
        ("fallrisiko", "Middels"),
        ("hva-er-viktig", "Å klare seg selv hjemme"),
    ]:
        it = item(stop_point, key)
        response = client.post(
            answer_url(stop_point, it),
            {value_key(it): value, "answer_revision": 0},
            headers=HTMX,
        )
        assert 'data-state="saved"' in response.content.decode(), key
        revision += 1
    return revision


def test_completion_enforces_required_items_then_signs(client, nurse, hph2):
    client.force_login(nurse)
    url = reverse("pathways:stop-point-complete", args=[hph2.pk])
    response = client.post(url, {"expected_revision": 0})
    assert response.status_code == 400
    assert response.context["action_error"]
    hph2.refresh_from_db()
    assert hph2.completed_at is None
    revision = fill_required(client, hph2)
    response = client.post(url, {"expected_revision": revision})
    assert response.status_code == 302
    hph2.refresh_from_db()
    assert hph2.completed_by == nurse
    assert hph2.completed_at is not None
    page = client.get(reverse("pathways:stop-point-detail", args=[hph2.pk]))
    assert page.context["readonly"] is True
    assert 'data-testid="signed"' in page.content.decode()


def test_reopen_needs_a_reason(client, nurse, hph2):
    client.force_login(nurse)
    revision = fill_required(client, hph2)
    client.post(
        reverse("pathways:stop-point-complete", args=[hph2.pk]), {"expected_revision": revision}
    )
    url = reverse("pathways:stop-point-reopen", args=[hph2.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    hph2.refresh_from_db()
    assert hph2.completed_at is not None
    response = client.post(url, {"reason": "Feil i legemiddellisten"})
    assert response.status_code == 302
    hph2.refresh_from_db()
    assert hph2.completed_at is None


def test_stop_point_not_relevant_needs_a_reason(client, nurse, hph2):
    client.force_login(nurse)
    url = reverse("pathways:stop-point-not-relevant", args=[hph2.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    hph2.refresh_from_db()
    assert hph2.not_relevant_at is None
    assert client.post(url, {"reason": "Flyttet til sykehjem"}).status_code == 302
    hph2.refresh_from_db()
    assert hph2.not_relevant_reason == "Flyttet til sykehjem"
