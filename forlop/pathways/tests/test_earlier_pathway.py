"""A new pathway never shows the previous pathway's answers as its own: the GP summary and the
care plan show them as earlier, with their date."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from forlop.core.tz import OSLO
from forlop.pathways import services
from forlop.pathways.models import EventKindChoices

pytestmark = pytest.mark.django_db

OCTOBER = datetime(2026, 10, 5, 10, 0, tzinfo=OSLO)
NOVEMBER = datetime(2026, 11, 20, 10, 0, tzinfo=OSLO)


def _sign_hph2(pathway, nurse, *, medication: bool) -> None:
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    answers = {
        "legemiddelliste": medication,
        "funksjon-iplos": True,
        "fallrisiko": "Lav",
        "hva-er-viktig": "Å bo hjemme",
    }
    for key, value in answers.items():
        services.checklist_answer_save(
            actor=nurse,
            stop_point=hph2,
            item_id=hph2.definition.items.get(key=key).pk,
            value=value,
            expected_revision=hph2.revision,
        )
        hph2.refresh_from_db()
    services.stop_point_complete(actor=nurse, stop_point=hph2, expected_revision=hph2.revision)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_previous_pathways_answers_are_shown_as_earlier_with_their_date(
    client, patient, district, nurse, start_hph
):
    # given a pathway in October whose HPH2 was signed, ended when the services ended
    with time_machine.travel(OCTOBER, tick=False):
        earlier = start_hph(patient, district, nurse, at=OCTOBER - timedelta(days=2))
        _sign_hph2(earlier, nurse, medication=True)
    with time_machine.travel(OCTOBER + timedelta(days=20), tick=False):
        services.event_record(
            actor=nurse,
            patient=patient,
            kind=EventKindChoices.SERVICES_ENDED,
            occurred_at=OCTOBER + timedelta(days=20),
        )
    # and a new pathway in November whose HPH2 is still open
    with time_machine.travel(NOVEMBER, tick=False):
        current = start_hph(patient, district, nurse, at=NOVEMBER - timedelta(days=1))
        client.force_login(nurse)
        # when the nurse prints the GP summary of the new pathway and opens its chain
        summary = _text(client.get(reverse("pathways:gp-summary", args=[current.pk])))
        chain = _text(client.get(reverse("pathways:pathway-detail", args=[current.pk])))
    # then the GP summary says this pathway's HPH2 is not signed, and shows October's as earlier
    assert "Den strukturerte oppfølgingen (HPH2) i dette forløpet er ikke signert ennå." in summary
    assert "Fra et tidligere forløp: HPH2 signert 05.10.2026." in summary
    # and the care plan marks the answers from the previous pathway as earlier, with the date
    assert "Legemiddellisten er kontrollert" in chain
    assert "(tidligere forløp: HPH2, 05.10.2026)" in chain
    assert "(tidligere forløp: HPH2, 05.10.2026)" in summary
