"""Whom a rule's target means for one stop point or pathway.

"The owner" is resolved in ONE place, ``stop_point_owners``, through the engine's own notion
of who answers for a stop point (``pathways.selectors.stop_point_responsible``: the assignee,
else the role's natural person). When the owner is a role with no natural person and nobody
is assigned (the allocation office's stop points), the owner is that role's active members in
the pathway's municipality. Every recipient must have a service need for the patient at the
time: a notification to someone who cannot open the stop point would only be a dead link.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from forlop.core.models import Membership, Role, User
from forlop.notifications.models import Target
from forlop.pathways.models import Pathway, StopPoint
from forlop.pathways.selectors import stop_point_responsible
from forlop.patients.models import Patient


def _role_members(role: str, pathway: Pathway) -> list[User]:
    """Active members with ``role`` in the organisation of the pathway's unit."""
    user_ids = Membership.objects.filter(
        role=role, active=True, unit__organisation_id=pathway.unit.organisation_id
    ).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def stop_point_owners(stop_point: StopPoint) -> list[User]:
    """Who owns the stop point: the engine's responsible person, else its role's members."""
    person = stop_point_responsible(stop_point)
    if person is not None:
        return [person]
    return _role_members(stop_point.definition.responsible_role, stop_point.pathway)


def _unit_leaders(pathway: Pathway) -> list[User]:
    user_ids = Membership.objects.filter(
        role=Role.UNIT_LEADER, active=True, unit_id=pathway.unit_id
    ).values("user_id")
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))


def target_users(target: str, *, pathway: Pathway, stop_point: StopPoint | None) -> list[User]:
    """The people ``target`` names for this pathway (and stop point, for stop-point rules)."""
    if target == Target.OWNER:
        return stop_point_owners(stop_point) if stop_point is not None else []
    if target == Target.UNIT_LEADER:
        return _unit_leaders(pathway)
    if target == Target.PRIMARY_CONTACT:
        return [pathway.primary_contact] if pathway.primary_contact is not None else []
    if target == Target.GP:
        return [pathway.patient.gp] if pathway.patient.gp is not None else []
    if target == Target.ALLOCATION_OFFICE:
        return _role_members(Role.ALLOCATION_OFFICE, pathway)
    raise ValueError(f"Unknown target {target!r}")


def with_service_need(users: Iterable[User], *, patient: Patient, now: datetime) -> list[User]:
    """The users who may see ``patient`` at ``now`` (the access rule, one query each)."""
    return [
        user
        for user in {user.pk: user for user in users}.values()
        if user.is_active
        and Patient.objects.visible_to(user, now=now, include_emergency=False)
        .filter(pk=patient.pk)
        .exists()
    ]
