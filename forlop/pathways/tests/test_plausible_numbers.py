"""Numbers as Norwegians write them, in a plausible range with a unit (template data), and the
unit on every page and print that shows the answer."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from forlop.pathways import services
from forlop.pathways.forms import ChecklistAnswerForm
from forlop.pathways.models import ChecklistAnswer, StopPoint

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def hph2(patient, district, nurse, start_hph) -> StopPoint:
    return start_hph(patient, district, nurse).stop_points.get(definition__code="HPH2")


def test_the_shipped_weight_question_has_its_unit_and_range(hph2):
    weight = hph2.definition.items.get(key="ernaering-vekt")
    assert (weight.number_unit, weight.number_min, weight.number_max) == ("kg", 20, 300)


@pytest.mark.parametrize("language", ["nb", "en"])
@pytest.mark.parametrize(("typed", "stored"), [("71,5", 71.5), ("71.5", 71.5), (" 72 ", 72)])
def test_the_form_reads_a_decimal_comma_in_every_language(hph2, language, typed, stored):
    weight = hph2.definition.items.get(key="ernaering-vekt")
    with translation.override(language):
        form = ChecklistAnswerForm({f"item-{weight.pk}-value": typed}, item=weight)
        assert form.is_valid(), form.errors
        assert form.answer_value() == stored


def test_the_number_input_does_not_depend_on_the_browsers_language(hph2, nurse):
    # A type=number input reads "71,5" as 715 in a browser set to English: a text input with a
    # decimal keyboard, read on the server, shows and accepts the comma.
    weight = hph2.definition.items.get(key="ernaering-vekt")
    answer = services.checklist_answer_save(
        actor=nurse, stop_point=hph2, item_id=weight.pk, value="71,5", expected_revision=0
    )
    html = str(ChecklistAnswerForm(item=weight, answer=answer)["value"])
    assert 'type="text"' in html
    assert 'inputmode="decimal"' in html
    assert 'value="71,5"' in html


def test_an_implausible_weight_is_refused_with_the_range_and_unit(client, nurse, hph2):
    weight = hph2.definition.items.get(key="ernaering-vekt")
    client.force_login(nurse)
    response = client.post(
        reverse("pathways:checklist-answer", args=[hph2.pk, weight.pk]),
        {f"item-{weight.pk}-value": "715", "answer_revision": 0},
        headers=HTMX,
    )
    html = response.content.decode()
    assert 'data-state="invalid"' in html
    assert "Skriv et tall fra 20 til 300 kg." in html
    assert not ChecklistAnswer.objects.filter(item=weight).exists()
    with pytest.raises(ValidationError) as exc:
        services.checklist_answer_save(
            actor=nurse, stop_point=hph2, item_id=weight.pk, value=19.5, expected_revision=0
        )
    assert exc.value.code == "out_of_range"


def test_the_weight_shows_with_comma_and_unit_on_the_chain_and_the_gp_summary(client, nurse, hph2):
    weight = hph2.definition.items.get(key="ernaering-vekt")
    services.checklist_answer_save(
        actor=nurse, stop_point=hph2, item_id=weight.pk, value="71,5", expected_revision=0
    )
    assert ChecklistAnswer.objects.get(item=weight).value == 71.5
    client.force_login(nurse)
    for url in (
        reverse("pathways:pathway-detail", args=[hph2.pathway_id]),
        reverse("pathways:gp-summary", args=[hph2.pathway_id]),
    ):
        html = re.sub(r"\s+", " ", client.get(url).content.decode())
        assert "71,5 kg" in html, url
