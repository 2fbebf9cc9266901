"""A role's label follows the page's language wherever it is shown (the work list's owners,
the checklist's parts, the refusals of the services), not the language active when the module
was first imported."""

from __future__ import annotations

from django.utils import translation

from forlop.core.models import Role
from forlop.pathways.selectors.responsibility import PartOwner


def _owner(role: str) -> PartOwner:
    return PartOwner(
        role=role,
        title="",
        person=None,
        assigned=False,
        signed_by=None,
        signed_at=None,
        is_owner=True,
    )


def test_a_part_owners_role_label_is_in_the_active_language():
    with translation.override("en"):
        assert _owner(Role.GP).role_label == "GP"
        assert _owner(Role.ALLOCATION_OFFICE).role_label == "Allocation office"
    with translation.override("nb"):
        assert _owner(Role.GP).role_label == "Fastlege"
        assert _owner(Role.ALLOCATION_OFFICE).role_label == "Tildelingskontor"


def test_a_value_that_is_no_role_shows_as_stored():
    assert Role.label_of("hospital_porter") == "hospital_porter"
