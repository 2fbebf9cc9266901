"""Fixtures of the authoring tests: an administrator, the shipped templates and a local copy
of HPH with a published version 1."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from forlop.authoring import services
from forlop.authoring.defaults import install_national_defaults
from forlop.core.models import Organisation, Role, Unit, User
from forlop.core.tests.factories import UnitFactory
from forlop.pathways.models import (
    PathwayTemplate,
    TemplateVersion,
)


@pytest.fixture
def admin(district: Unit, make_member: Callable[..., User]) -> User:
    return make_member(district, Role.ADMINISTRATOR, username="admin")


@pytest.fixture
def national() -> dict[str, PathwayTemplate]:
    return install_national_defaults()


@pytest.fixture
def local_hph(
    admin: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> PathwayTemplate:
    return services.template_copy(
        actor=admin,
        template=national["hph"],
        organisation=municipality,
        name="HPH Testvik",
        code="hph-testvik",
    )


@pytest.fixture
def published_v1(admin: User, local_hph: PathwayTemplate) -> TemplateVersion:
    return services.version_publish(
        actor=admin, version=local_hph.versions.get(number=1), notes="Første versjon"
    )


@pytest.fixture
def outsider(other_municipality: Organisation, make_member: Callable[..., User]) -> User:
    unit = UnitFactory(organisation=other_municipality, kind=Unit.Kind.HOME_CARE, code="andrevik-1")
    return make_member(unit, Role.ADMINISTRATOR, username="outsider")
