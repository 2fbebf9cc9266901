"""Typed factories for core data. Organisation numbers are generated valid (mod 11)."""

from __future__ import annotations

import random

import factory
from factory.django import DjangoModelFactory

from forlop.core.identifiers import generate_org_number
from forlop.core.models import Membership, Organisation, Role, Unit, User

_rng = random.Random(20261123)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation
        django_get_or_create = ("code",)

    kind = Organisation.Kind.MUNICIPALITY
    name = factory.Sequence(lambda n: f"Organisasjon {n}")
    code = factory.Sequence(lambda n: f"org-{n}")
    org_number = factory.LazyFunction(lambda: generate_org_number(_rng))


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    organisation = factory.SubFactory(OrganisationFactory)
    kind = Unit.Kind.HOME_CARE
    name = factory.Sequence(lambda n: f"Enhet {n}")
    code = factory.Sequence(lambda n: f"unit-{n}")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="no_NO")
    last_name = factory.Faker("last_name", locale="no_NO")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.PRIMARY_CONTACT
