"""E-mail invitations to gatherings, national events and guidance sessions.

Who is invited follows the gathering's "invited" choices: the teams' members, or only their
leaders; top leaders and anyone else are added by name (``invitee_add``), and only from the
network's own organisations. ``invitations_send`` records one row per event and address before
it sends, and sends only the rows not yet sent: a second send mails nobody twice, and a
failed address is tried again on the next send. The e-mail goes out through the notifications
app's e-mail channel, reached through ``core.outbox`` (improvement may not import
notifications), with the event as an ``.ics`` attachment. The text says what, when, where and
links to the page; it holds nothing about patients.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forlop.core import outbox
from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, User
from forlop.improvement import access, ics, selectors
from forlop.improvement.models import (
    EventInvitation,
    Gathering,
    GuidanceSession,
    Network,
    TeamMember,
)

Reason = EventInvitation.Reason


@dataclass(frozen=True, slots=True)
class SendResult:
    sent: int
    already: int
    failed: int
    without_address: int


def _networks_for(actor: User, gathering: Gathering) -> list[Network]:
    """The networks on whose behalf ``actor`` invites to ``gathering``."""
    if gathering.network is not None:
        access.require_coordinator(actor, gathering.network)
        return [gathering.network]
    networks = selectors.national_event_networks(gathering)
    if not actor.is_superuser:
        networks = networks.filter(pk__in=access.coordinated_networks(actor))
    found = list(networks.order_by("name"))
    if not found:
        raise PermissionDenied
    return found


def _member_address(member: TeamMember) -> str:
    return member.email or (member.user.email if member.user_id and member.user else "")


def _team_rows(
    members: QuerySet[TeamMember], *, reason_for: dict[bool, str]
) -> tuple[list[dict[str, object]], int]:
    rows: list[dict[str, object]] = []
    without = 0
    for member in members.select_related("user", "team__network").order_by("team__name", "name"):
        address = _member_address(member)
        if not address:
            without += 1
            continue
        rows.append(
            {
                "network": member.team.network,
                "team": member.team,
                "user": member.user,
                "name": member.name,
                "email": address.lower(),
                "reason": reason_for[member.is_leader],
            }
        )
    return rows, without


def _gathering_rows(
    gathering: Gathering, networks: list[Network]
) -> tuple[list[dict[str, object]], int]:
    members = TeamMember.objects.filter(
        active=True, team__network__in=networks, team__withdrawn_on__isnull=True
    )
    if not gathering.invites_team:  # leaders only, or nobody but those invited by name
        members = members.filter(is_leader=True) if gathering.invites_leaders else members.none()
    return _team_rows(members, reason_for={True: Reason.LEADER, False: Reason.TEAM})


def _place(place: str, online: bool) -> str:
    if online and place:
        return _("%(place)s, and online") % {"place": place}
    return _("Online") if online else place


def _gathering_message(gathering: Gathering, *, now: datetime) -> tuple[str, str, bytes]:
    url = settings.FORLOP_BASE_URL + reverse("improvement:gathering", args=[gathering.pk])
    title = str(gathering)
    if gathering.title and gathering.kind == Gathering.Kind.GATHERING:
        title = f"{gathering} – {gathering.title}"
    when = date_format(gathering.starts_on, "l j. F Y")
    if gathering.ends_on and gathering.ends_on != gathering.starts_on:
        when += " – " + date_format(gathering.ends_on, "l j. F Y")
    where = _place(gathering.place, gathering.online)
    themes = [line.strip() for line in gathering.themes.splitlines() if line.strip()]
    network = gathering.network.name if gathering.network else _("Gode pasientforløp (national)")
    lines = [
        _("You are invited to %(event)s.") % {"event": title},
        "",
        _("When: %(when)s") % {"when": when},
        _("Where: %(where)s") % {"where": where or "–"},
        _("Network: %(network)s") % {"network": network},
    ]
    if themes:
        lines += ["", _("Themes:"), *[f"- {theme}" for theme in themes]]
    lines += [
        "",
        _("The programme, the materials and the evaluation are on the gathering's page:"),
        url,
        "",
        _("The calendar entry is attached."),
    ]
    subject = _("Invitation: %(event)s, %(when)s") % {
        "event": title,
        "when": date_format(gathering.starts_on, "j. F Y"),
    }
    entry = ics.CalendarEvent(
        uid=ics.uid("gathering", gathering.pk),
        summary=title,
        location=where,
        description="\n".join(themes),
        url=url,
        first_day=gathering.starts_on,
        last_day=gathering.ends_on,
    )
    return subject, "\n".join(lines), ics.ics(entry, now=now)


def _session_message(
    session: GuidanceSession, *, now: datetime, team_pk: int | None, invitation_pk: int | None
) -> tuple[str, str, bytes]:
    page = settings.FORLOP_BASE_URL + reverse("improvement:guidance", args=[session.pk])
    respond = (
        settings.FORLOP_BASE_URL
        + reverse("improvement:guidance-respond", args=[team_pk, invitation_pk])
        if team_pk and invitation_pk
        else page
    )
    local = timezone.localtime(session.starts_at)
    when = date_format(local, "l j. F Y H:i")
    where = _place(session.place, session.online)
    lines = [
        _("Your team is invited to guidance: %(title)s.") % {"title": session.title},
        "",
        _("When: %(when)s") % {"when": when},
        _("Where: %(where)s") % {"where": where or "–"},
        _("Network: %(network)s") % {"network": session.network.name},
        "",
        _(
            "Confirm who from the team takes part, and send your status and what you need "
            "guidance on before the session:"
        ),
        respond,
        "",
        _("The calendar entry is attached."),
    ]
    subject = _("Invitation to guidance: %(title)s, %(when)s") % {
        "title": session.title,
        "when": date_format(local, "j. F Y"),
    }
    entry = ics.CalendarEvent(
        uid=ics.uid("guidance", session.pk),
        summary=session.title,
        location=where,
        description=_("Guidance for the improvement teams"),
        url=page,
        starts_at=local,
    )
    return subject, "\n".join(lines), ics.ics(entry, now=now)


def _record(event: dict[str, object], rows: list[dict[str, object]]) -> None:
    EventInvitation.objects.bulk_create(
        [EventInvitation(**event, **row) for row in rows], ignore_conflicts=True
    )


def _deliver(
    pending: QuerySet[EventInvitation],
    *,
    actor: User,
    now: datetime,
    message: object,
) -> tuple[int, int]:
    sent = failed = 0
    for invitation in pending.order_by("pk"):
        # Claim the row before sending, so two sends at once cannot both mail it.
        claimed = EventInvitation.objects.filter(pk=invitation.pk, sent_at__isnull=True).update(
            sent_at=now, sent_by=actor, last_error="", updated_at=now
        )
        if not claimed:
            continue
        subject, body, calendar = message(invitation)  # type: ignore[operator]
        try:
            outbox.send_email(
                address=invitation.email,
                subject=subject,
                body=body,
                attachments=[outbox.Attachment("invitasjon.ics", calendar, "text/calendar")],
            )
        except Exception as error:
            failed += 1
            EventInvitation.objects.filter(pk=invitation.pk).update(
                sent_at=None, sent_by=None, last_error=str(error)[:300], updated_at=now
            )
            continue
        sent += 1
    return sent, failed


def _audit(
    actor: User, target: Gathering | GuidanceSession, result: SendResult, networks: list[Network]
) -> None:
    with transaction.atomic():
        audit_record(
            actor=actor,
            verb=AuditVerb.INVITATIONS_SENT,
            target=target,
            data={
                "sent": result.sent,
                "already": result.already,
                "failed": result.failed,
                "without_address": result.without_address,
                "networks": [network.pk for network in networks],
            },
        )


def gathering_invitations_send(*, gathering: Gathering, actor: User, now: datetime) -> SendResult:
    """Invite by e-mail everyone the gathering invites (see the module), once each."""
    networks = _networks_for(actor, gathering)
    if gathering.starts_on < timezone.localtime(now).date():
        raise ValidationError(_("The gathering has taken place: invitations are no longer sent."))
    rows, without = _gathering_rows(gathering, networks)
    with transaction.atomic():
        _record({"gathering": gathering}, rows)
    scope = EventInvitation.objects.filter(gathering=gathering, network__in=networks)
    already = scope.filter(sent_at__isnull=False).count()
    with translation.override(settings.LANGUAGE_CODE):
        subject, body, calendar = _gathering_message(gathering, now=now)
        sent, failed = _deliver(
            scope.filter(sent_at__isnull=True),
            actor=actor,
            now=now,
            message=lambda _invitation: (subject, body, calendar),
        )
    result = SendResult(sent=sent, already=already, failed=failed, without_address=without)
    _audit(actor, gathering, result, networks)
    return result


def guidance_invitations_send(
    *, session: GuidanceSession, actor: User, now: datetime
) -> SendResult:
    """Invite the members of every team invited to the session, once each; the e-mail links
    to the page where the team confirms who takes part."""
    access.require_coordinator(actor, session.network)
    if session.starts_at <= now:
        raise ValidationError(_("The session has taken place: invitations are no longer sent."))
    members = TeamMember.objects.filter(
        active=True, team__guidance__session=session, team__withdrawn_on__isnull=True
    )
    rows, without = _team_rows(members, reason_for={True: Reason.LEADER, False: Reason.TEAM})
    with transaction.atomic():
        _record({"session": session}, rows)
    scope = EventInvitation.objects.filter(session=session)
    already = scope.filter(sent_at__isnull=False).count()
    by_team = dict(session.invitations.values_list("team", "pk"))
    with translation.override(settings.LANGUAGE_CODE):
        sent, failed = _deliver(
            scope.filter(sent_at__isnull=True),
            actor=actor,
            now=now,
            message=lambda invitation: _session_message(
                session,
                now=now,
                team_pk=invitation.team_id,
                invitation_pk=by_team.get(invitation.team_id),
            ),
        )
    result = SendResult(sent=sent, already=already, failed=failed, without_address=without)
    _audit(actor, session, result, [session.network])
    return result


def invitee_add(
    *, gathering: Gathering, actor: User, user: User, reason: str, network: Network | None = None
) -> EventInvitation:
    """Invite a person with an account by name (a top leader, a GP, a user representative).
    The person must work in one of the network's organisations or its guiding organisation;
    the invitation is sent with the next send."""
    networks = _networks_for(actor, gathering)
    chosen = network or networks[0]
    if chosen not in networks:
        raise PermissionDenied
    if reason not in Reason.values or reason == Reason.TEAM:
        raise ValidationError(_("Choose what the person is invited as."))
    organisations = {chosen.coordinator_id, *chosen.members.values_list("pk", flat=True)}
    works_here = Membership.objects.filter(
        user=user, active=True, unit__organisation__in=[o for o in organisations if o]
    ).exists()
    if not works_here or not user.is_active:
        raise ValidationError(
            _(
                "%(name)s does not work in one of the network's organisations. Invite only "
                "people from the network's municipalities, hospitals and guiding organisation."
            )
            % {"name": user.get_full_name() or user.get_username()}
        )
    if not user.email:
        raise ValidationError(
            _("%(name)s has no e-mail address in Forløp.")
            % {"name": user.get_full_name() or user.get_username()}
        )
    if EventInvitation.objects.filter(
        Q(user=user) | Q(email=user.email.lower()), gathering=gathering
    ).exists():
        raise ValidationError(_("This person is already invited."))
    try:
        with transaction.atomic():
            invitation = EventInvitation.objects.create(
                gathering=gathering,
                network=chosen,
                user=user,
                name=user.get_full_name() or user.get_username(),
                email=user.email.lower(),
                reason=reason,
                added_by=actor,
            )
            audit_record(
                actor=actor,
                verb=AuditVerb.INVITEE_ADDED,
                target=gathering,
                data={"invitation": invitation.pk, "user": user.pk, "reason": reason},
            )
    except IntegrityError as error:
        raise ValidationError(_("This person is already invited.")) from error
    return invitation
