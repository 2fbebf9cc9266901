"""Teams and their members."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Organisation, Unit, User
from forlop.improvement.access import (
    require_coordinator,
    require_member,
    require_member_or_coordinator,
)
from forlop.improvement.models import Network, Team, TeamMember


def team_create(
    *,
    network: Network,
    actor: User,
    organisation: Organisation,
    name: str,
    unit: Unit | None = None,
    description: str = "",
) -> Team:
    """A team for a participating municipality, city district or hospital; its organisation
    joins the network's participants (and so its aggregates)."""
    require_coordinator(actor, network)
    if organisation.kind not in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.HOSPITAL_TRUST):
        raise ValidationError(_("A team comes from a municipality or a hospital trust."))
    if unit is not None and unit.organisation_id != organisation.pk:
        raise ValidationError(_("The city district or hospital must belong to the organisation."))
    with transaction.atomic():
        team = Team(
            network=network,
            organisation=organisation,
            unit=unit,
            name=name,
            description=description,
        )
        team.full_clean()
        team.save()
        network.members.add(organisation)
    return team


def team_update(
    *,
    team: Team,
    actor: User,
    description: str,
    line_manager: str,
    anchored_on: date | None,
    anchored_with: str,
    today: date,
) -> Team:
    """The team's description (for the poster) and its anchoring with management."""
    require_member(actor, team)
    if anchored_on is not None and anchored_on > today:
        raise ValidationError(_("The anchoring cannot be dated in the future."))
    if anchored_on is not None and not anchored_with.strip():
        raise ValidationError(_("Say with whom in the management the work was anchored."))
    with transaction.atomic():
        team.description, team.line_manager = description, line_manager
        team.anchored_on, team.anchored_with = anchored_on, anchored_with
        team.full_clean()
        team.save()
    return team


def team_member_add(
    *,
    team: Team,
    actor: User,
    name: str,
    organisation: Organisation,
    user: User | None = None,
    function: str = "",
    email: str = "",
    is_leader: bool = False,
    is_measurement_lead: bool = False,
    invitation: str = "",
) -> TeamMember:
    """Add a person. Someone from another organisation than the team's joins only by a
    recorded invitation (who invited them and why). A new leader or measurement lead takes
    over the role from the one before."""
    require_member_or_coordinator(actor, team)
    if organisation.pk != team.organisation_id and not invitation.strip():
        raise ValidationError(
            _(
                "%(name)s works in %(organisation)s, not in %(team_organisation)s: record the "
                "invitation (who invited them and why) to add them to the team."
            )
            % {
                "name": name,
                "organisation": organisation.name,
                "team_organisation": team.organisation.name,
            }
        )
    if (
        user is not None
        and not Membership.objects.filter(
            user=user, active=True, unit__organisation=organisation
        ).exists()
    ):
        raise ValidationError(
            _("The user account %(username)s does not work in %(organisation)s.")
            % {"username": user.get_username(), "organisation": organisation.name}
        )
    if user is not None and team.members.filter(user=user, active=True).exists():
        raise ValidationError(_("This person is already on the team."))
    with transaction.atomic():
        if is_leader:
            team.members.filter(is_leader=True, active=True).update(is_leader=False)
        if is_measurement_lead:
            team.members.filter(is_measurement_lead=True, active=True).update(
                is_measurement_lead=False
            )
        member = TeamMember(
            team=team,
            user=user,
            name=name,
            organisation=organisation,
            function=function,
            email=email,
            is_leader=is_leader,
            is_measurement_lead=is_measurement_lead,
            invitation=invitation if organisation.pk != team.organisation_id else "",
        )
        member.full_clean()
        member.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.TEAM_MEMBER_ADDED,
            target=member,
            data={"team": team.pk, "invited": organisation.pk != team.organisation_id},
        )
    return member


def team_member_end(*, member: TeamMember, actor: User) -> TeamMember:
    require_member(actor, member.team)
    with transaction.atomic():
        member.active = False
        member.is_leader = member.is_measurement_lead = False
        member.save(update_fields=["active", "is_leader", "is_measurement_lead", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.TEAM_MEMBER_ENDED,
            target=member,
            data={"team": member.team_id},
        )
    return member
