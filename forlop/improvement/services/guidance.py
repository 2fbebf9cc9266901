"""Guidance sessions: the invitation, the team's confirmation, status and needs sent in
advance, and the guide's notes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.models import User
from forlop.improvement import rules
from forlop.improvement.access import require_coordinator, require_member
from forlop.improvement.models import (
    GuidanceInvitation,
    GuidanceSession,
    Network,
    Team,
    TeamMember,
)


def guidance_create(
    *,
    network: Network,
    actor: User,
    title: str,
    starts_at: datetime,
    teams: Sequence[Team],
    place: str = "",
    online: bool = False,
    guide: User | None = None,
) -> GuidanceSession:
    """A session within the network's period, with an invitation to each team."""
    require_coordinator(actor, network)
    day = timezone.localtime(starts_at).date()
    if not rules.within(day, network.starts_on, network.ends_on):
        raise ValidationError(_("Guidance takes place within the network's period."))
    if not teams:
        raise ValidationError(_("Invite at least one team."))
    if any(team.network_id != network.pk for team in teams):
        raise ValidationError(_("Invite only the network's own teams."))
    with transaction.atomic():
        session = GuidanceSession(
            network=network,
            title=title,
            starts_at=starts_at,
            place=place,
            online=online,
            guide=guide or actor,
        )
        session.full_clean()
        session.save()
        GuidanceInvitation.objects.bulk_create(
            GuidanceInvitation(session=session, team=team) for team in teams
        )
    return session


def guidance_respond(
    *,
    invitation: GuidanceInvitation,
    actor: User,
    participants: Sequence[TeamMember],
    status: str,
    needs: str,
    now: datetime,
) -> GuidanceInvitation:
    """The team confirms who takes part and sends its status and guidance needs."""
    require_member(actor, invitation.team)
    if invitation.session.starts_at <= now:
        raise ValidationError(_("The session has taken place: the answer can no longer change."))
    if not participants:
        raise ValidationError(_("Choose who from the team takes part."))
    if any(member.team_id != invitation.team_id or not member.active for member in participants):
        raise ValidationError(_("Choose among the team's own members."))
    with transaction.atomic():
        invitation.status, invitation.needs = status, needs
        invitation.confirmed_at = now
        invitation.sent_at = now if (status.strip() or needs.strip()) else None
        invitation.save()
        invitation.participants.set(participants)
    return invitation


def guidance_notes_save(
    *, invitation: GuidanceInvitation, actor: User, notes: str
) -> GuidanceInvitation:
    require_coordinator(actor, invitation.session.network)
    with transaction.atomic():
        invitation.guide_notes = notes
        invitation.save(update_fields=["guide_notes", "updated_at"])
    return invitation
