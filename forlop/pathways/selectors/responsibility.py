"""Who answers for a stop point, part by part. One rule for the work list, the chain, reports
and prints.

A stop point has an **owner** (the template's ``responsible_role``), who prepares it and signs
the owner's part, and may have **parts** another role completes (``definition.parts``: HPH3's
GP part). Each part shows its role, the person responsible where one is known, and who signed.

The person is the one assigned to the part; without one, the role's natural person: the
pathway's primary contact for the primary-contact role, the patient's GP for the GP role.
Other roles (the allocation office, the hospital) answer as a role until someone is assigned:
the home nurse is never shown as the owner of the allocation office's stop points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, Q

from forlop.core.models import Role, User
from forlop.pathways import models


@dataclass(frozen=True, slots=True)
class PartOwner:
    """One part of a stop point and who answers for it."""

    role: str
    title: str
    """The part's title ("" for the owner's part)."""
    person: User | None
    assigned: bool
    """True when the person was assigned (not the role's natural person)."""
    signed_by: User | None
    signed_at: datetime | None
    is_owner: bool

    @property
    def role_label(self) -> str:
        return Role.label_of(self.role)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None


def role_person(role: str, stop_point: models.StopPoint) -> User | None:
    """The natural person of a role for this stop point, if the role has one."""
    pathway = stop_point.pathway
    if role == Role.PRIMARY_CONTACT:
        return pathway.primary_contact
    if role == Role.GP:
        return pathway.patient.gp
    return None


def stop_point_owners(stop_point: models.StopPoint) -> list[PartOwner]:
    """The owner's part first, then every part for another role, in template order.

    Expects ``definition``, ``assignee``, ``owner_signed_by``, ``pathway__primary_contact``,
    ``pathway__patient__gp`` and the ``parts`` (with ``assignee`` and ``signed_by``) loaded;
    the selectors that call it do, so a list costs no query per row.
    """
    role = stop_point.definition.responsible_role
    owner_signed_at = stop_point.owner_signed_at
    owner_signed_by = stop_point.owner_signed_by
    if owner_signed_at is None and stop_point.completed_at is not None:
        # Signed before the owner's part was recorded on its own (older rows).
        owner_signed_at, owner_signed_by = stop_point.completed_at, stop_point.completed_by
    owners = [
        PartOwner(
            role=role,
            title="",
            person=stop_point.assignee or role_person(role, stop_point),
            assigned=stop_point.assignee is not None,
            signed_by=owner_signed_by,
            signed_at=owner_signed_at,
            is_owner=True,
        )
    ]
    owners.extend(
        PartOwner(
            role=part.role,
            title=part.title,
            person=part.assignee or role_person(part.role, stop_point),
            assigned=part.assignee is not None,
            signed_by=part.signed_by,
            signed_at=part.signed_at,
            is_owner=False,
        )
        for part in owner_parts(stop_point)
    )
    return owners


def owner_parts(stop_point: models.StopPoint) -> list[models.StopPointPart]:
    """The stop point's parts: the list ``OWNER_PREFETCH`` loaded, else ``parts.all()``."""
    loaded: list[models.StopPointPart] | None = getattr(stop_point, OWNER_PARTS, None)
    return loaded if loaded is not None else list(stop_point.parts.all())


def stop_point_responsible(stop_point: models.StopPoint) -> User | None:
    """The person answering for the owner's part (see ``stop_point_owners``), or None when
    the owner is a role without a natural person and nobody is assigned."""
    return stop_point.assignee or role_person(stop_point.definition.responsible_role, stop_point)


OWNER_SELECT = (
    "definition",
    "assignee",
    "owner_signed_by",
    "completed_by",
    "pathway__primary_contact",
    "pathway__patient__gp",
)
"""What ``stop_point_owners`` reads, for ``select_related``; prefetch ``OWNER_PREFETCH`` too."""

PERSON_COLUMNS = ("first_name", "last_name", "username")
"""What a card, a chain or a print shows of a person (``User.__str__``): never the password
hash, nor the rest of the user row."""


def person_columns(relation: str) -> tuple[str, ...]:
    """``only()`` names for the person reached through ``relation`` (the relation itself, so
    ``select_related`` may follow it, and the person's ``PERSON_COLUMNS``)."""
    return (relation, *(f"{relation}__{column}" for column in PERSON_COLUMNS))


OWNER_PARTS = "loaded_parts"
"""The attribute ``OWNER_PREFETCH`` puts a stop point's parts in (a list, see below)."""

OWNER_PREFETCH = (
    Prefetch(
        "parts",
        # A list in an attribute (to_attr), not the related manager's cache: for a Prefetch
        # with a queryset, Django clones that queryset for every stop point to fill the
        # manager's cache (the work list's cards at 40k patients: 21.6 -> 20.4 ms, median of
        # 40 interleaved calls).
        to_attr=OWNER_PARTS,
        # The parts with their people in one query (not one per relation), and of the people
        # only their names.
        queryset=models.StopPointPart.objects.select_related("assignee", "signed_by").only(
            "stop_point",
            "role",
            "title",
            "signed_at",
            *person_columns("assignee"),
            *person_columns("signed_by"),
        ),
    ),
)


def person_q(person: User, *, prefix: str = "") -> Q:
    """Stop points (reached through ``prefix``) whose pathway makes ``person`` the natural
    person of a role: the primary contact, or the patient's GP."""
    return Q(**{f"{prefix}pathway__primary_contact": person}) | Q(
        **{f"{prefix}pathway__patient__gp": person}
    )
