"""Typed patient factories. Identity numbers are synthetic (Tenor style), never real."""

from __future__ import annotations

import random
from datetime import date, timedelta

import factory
from factory.django import DjangoModelFactory

from forlop.core.identifiers import generate_synthetic, parse_identity_number
from forlop.core.tests.factories import OrganisationFactory, UnitFactory
from forlop.patients.models import Patient, PatientService

_rng = random.Random(1123)


def synthetic_number(birth: date | None = None) -> str:
    birth = birth or date(1940, 1, 1) + timedelta(days=_rng.randrange(0, 365 * 40))
    return generate_synthetic(birth, rng=_rng)


class PatientFactory(DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    given_name = factory.Faker("first_name", locale="no_NO")
    family_name = factory.Faker("last_name", locale="no_NO")
    identity_number = factory.LazyFunction(synthetic_number)
    id_kind = Patient.IdKind.FNR
    synthetic = True
    birth_date = factory.LazyAttribute(
        lambda p: parse_identity_number(p.identity_number).birth_date
    )
    address = factory.Faker("street_address", locale="no_NO")
    municipality = factory.SubFactory(OrganisationFactory)


class PatientServiceFactory(DjangoModelFactory[PatientService]):
    class Meta:
        model = PatientService

    patient = factory.SubFactory(PatientFactory)
    unit = factory.SubFactory(UnitFactory)
    started_on = date(2026, 1, 1)
