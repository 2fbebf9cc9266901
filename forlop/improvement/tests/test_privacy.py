"""The check that warns when a note looks as if it identifies someone. No database."""

from __future__ import annotations

import random
from datetime import date

import pytest

from forlop.core.identifiers import IdentityKind, generate_synthetic
from forlop.improvement.privacy import FindingKind, findings

TODAY = date(2026, 5, 1)


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in findings(text, today=TODAY)]


def test_a_valid_identity_number_is_found_and_shown_masked():
    number = generate_synthetic(date(1941, 3, 4), rng=random.Random(1))
    for text in (
        f"fnr {number} sa",
        f"fnr {number[:6]} {number[6:]}",
        f"{number[:6]}-{number[6:]}",
    ):
        (finding,) = findings(text, today=TODAY)
        assert finding.kind == FindingKind.IDENTITY_NUMBER
        assert number not in finding.shown
        assert finding.shown.endswith("*****")


def test_d_numbers_and_mistyped_numbers_are_found_too():
    d_number = generate_synthetic(date(1950, 7, 1), rng=random.Random(2), kind=IdentityKind.DNR)
    assert kinds(f"D-nummer {d_number}") == [FindingKind.IDENTITY_NUMBER]
    assert kinds("12345678901 er feil") == [FindingKind.NUMBER_LIKE_IDENTITY]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Kari sa at det var greit.", "Kari"),
        ("Vi snakket med Ola Nordmann i går.", "Ola Nordmann"),
        ("Hun bor hos datteren, fru Hansen.", "Hansen"),
    ],
)
def test_names(text, shown):
    assert [(f.kind, f.shown) for f in findings(text, today=TODAY)] == [(FindingKind.NAME, shown)]


def test_dates_of_birth_and_phone_numbers():
    assert kinds("Født 03.04.41, ring 922 85 154.") == [FindingKind.BIRTH_DATE, FindingKind.PHONE]
    assert kinds("f. 1938") == [FindingKind.BIRTH_DATE]
    assert kinds("Ring 33085010 ved behov") == [FindingKind.PHONE]


@pytest.mark.parametrize(
    "text",
    [
        "Hjemmetjenesten kom samme dag som hjemkomst.",
        "Sykehuset i Vestfold ringte. Horten, Tønsberg og Færder deltar.",
        "Epikrisen kom etter en uke. Fastlegen visste ikke om endringene.",
        "Vi hadde en Hva er viktig for deg-samtale.",
        "Ble innlagt 3. mars og skrevet ut etter 5 dager.",
    ],
)
def test_ordinary_notes_pass(text):
    assert findings(text, today=TODAY) == []
