"""The network, its gatherings and the materials shared after them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, User
from forlop.improvement import rules
from forlop.improvement.access import require_coordinator
from forlop.improvement.models import Gathering, Material, Network


def _day(day: date) -> str:
    return date_format(day, "j. F Y")


def network_update(
    *,
    network: Network,
    actor: User,
    name: str,
    region: str,
    health_community: str,
    starts_on: date,
    ends_on: date,
) -> Network:
    """Change the network's facts; its period must still hold its four gatherings."""
    require_coordinator(actor, network)
    with transaction.atomic():
        network.name, network.region, network.health_community = name, region, health_community
        network.starts_on, network.ends_on = starts_on, ends_on
        errors: list[str] = []
        if ends_on < starts_on:
            errors.append(_("The network cannot end before it starts."))
        errors.extend(
            _("%(gathering)s (%(date)s) would fall outside the network's period.")
            % {"gathering": gathering, "date": _day(gathering.starts_on)}
            for gathering in network.gatherings.filter(kind=Gathering.Kind.GATHERING)
            if not rules.within(gathering.starts_on, starts_on, ends_on)
        )
        if errors:
            raise ValidationError(errors)
        network.full_clean()
        network.save()
    return network


def _gathering_errors(gathering: Gathering) -> list[str]:
    network = gathering.network
    errors: list[str] = []
    if gathering.kind == Gathering.Kind.WHAT_MATTERS_DAY and not rules.is_june(gathering.starts_on):
        errors.append(_("“Hva er viktig for deg?”-dagen is in June."))
    if network is None:
        if gathering.kind in (Gathering.Kind.GATHERING, Gathering.Kind.EXPERIENCE):
            errors.append(_("A network gathering belongs to a network."))
        return errors
    if gathering.starts_on < network.starts_on:
        errors.append(
            _("A gathering cannot be before the network starts (%(date)s).")
            % {"date": _day(network.starts_on)}
        )
    if gathering.kind == Gathering.Kind.OTHER and gathering.starts_on > network.ends_on:
        errors.append(
            _("A gathering cannot be after the network ends (%(date)s).")
            % {"date": _day(network.ends_on)}
        )
    if gathering.kind == Gathering.Kind.EXPERIENCE:
        fourth = (
            network.gatherings.filter(kind=Gathering.Kind.GATHERING, number=rules.GATHERINGS)
            .values_list("starts_on", flat=True)
            .first()
        )
        last = fourth or network.ends_on
        if gathering.starts_on <= last:
            errors.append(
                _(
                    "The regional experience gathering comes after the network's last "
                    "gathering (%(date)s), about a year later."
                )
                % {"date": _day(last)}
            )
    if gathering.kind == Gathering.Kind.GATHERING:
        if gathering.number is None or gathering.number not in range(1, rules.GATHERINGS + 1):
            errors.append(_("A network gathering has a number from 1 to 4."))
            return errors
        if gathering.starts_on > network.ends_on:
            errors.append(
                _("A gathering cannot be after the network ends (%(date)s).")
                % {"date": _day(network.ends_on)}
            )
        number = gathering.number
        dates = {
            n: day
            for n, day in network.gatherings.filter(kind=Gathering.Kind.GATHERING)
            .exclude(pk=gathering.pk)
            .values_list("number", "starts_on")
            if n is not None
        }
        if number in dates:
            errors.append(_("The network already has gathering %(number)d.") % {"number": number})
        dates[number] = gathering.starts_on
        wrong = rules.gatherings_out_of_order(dates)
        if number in wrong or number + 1 in wrong:
            errors.append(
                _("Gathering %(number)d must come after the one before it and before the next.")
                % {"number": number}
            )
    return errors


def gathering_save(
    *,
    network: Network | None,
    actor: User,
    gathering: Gathering | None = None,
    **fields: object,
) -> Gathering:
    """Create or change a gathering. Moving one moves every deadline derived from it (they
    are computed from its date when read); the move is written to the audit log."""
    if network is not None:
        require_coordinator(actor, network)
    elif not actor.is_superuser:
        raise ValidationError(_("Only an administrator plans national events."))
    with transaction.atomic():
        moved_from = gathering.starts_on if gathering is not None else None
        gathering = gathering or Gathering(network=network)
        for name, value in fields.items():
            setattr(gathering, name, value)
        if gathering.kind != Gathering.Kind.GATHERING:
            gathering.number = None
        errors = _gathering_errors(gathering)
        if errors:
            raise ValidationError(errors)
        gathering.full_clean()
        gathering.save()
        if moved_from is not None and moved_from != gathering.starts_on:
            audit_record(
                actor=actor,
                verb=AuditVerb.GATHERING_MOVED,
                target=gathering,
                data={"from": moved_from.isoformat(), "to": gathering.starts_on.isoformat()},
            )
            if gathering.kind == Gathering.Kind.GATHERING and gathering.number == rules.GATHERINGS:
                _experience_follows(gathering, moved_from=moved_from, actor=actor)
    return gathering


def _experience_follows(fourth: Gathering, *, moved_from: date, actor: User) -> None:
    """Moving gathering 4 moves the regional experience gathering with it while that still
    sits on its derived date (a year after gathering 4); one moved by hand stays."""
    derived = rules.experience_gathering_date(moved_from)
    experience = Gathering.objects.filter(
        network=fourth.network_id, kind=Gathering.Kind.EXPERIENCE, starts_on=derived
    ).first()
    if experience is None:
        return
    target = rules.experience_gathering_date(fourth.starts_on)
    length = (experience.ends_on - experience.starts_on) if experience.ends_on else None
    experience.starts_on = target
    experience.ends_on = target + length if length is not None else None
    experience.full_clean()
    experience.save()
    audit_record(
        actor=actor,
        verb=AuditVerb.GATHERING_MOVED,
        target=experience,
        data={"from": derived.isoformat(), "to": target.isoformat(), "follows": fourth.pk},
    )


def national_events_plan(*, actor: User, year: int) -> list[Gathering]:
    """Plan the year's "Hva er viktig for deg?"-dagen on its suggested date (see
    ``rules.what_matters_day``) unless the year has one; an administrator moves it as needed.
    The national experience conference has no rule for its date and is planned by hand."""
    if not actor.is_superuser:
        raise ValidationError(_("Only an administrator plans national events."))
    if Gathering.objects.filter(
        network__isnull=True, kind=Gathering.Kind.WHAT_MATTERS_DAY, starts_on__year=year
    ).exists():
        return []
    return [
        gathering_save(
            network=None,
            actor=actor,
            kind=Gathering.Kind.WHAT_MATTERS_DAY,
            title=str(Gathering.Kind.WHAT_MATTERS_DAY.label),
            starts_on=rules.what_matters_day(year),
            place=_("Across the country"),
            themes=_("Ask: what matters to you?\nListen to the answer.\nFollow up what matters."),
        )
    ]


def network_plan_gatherings(
    *, network: Network, actor: User, first_gathering: date, place: str = ""
) -> list[Gathering]:
    """Plan the four gatherings and the experience gathering in the programme's rhythm
    (those already planned are kept)."""
    require_coordinator(actor, network)
    schedule = rules.suggested_schedule(first_gathering)
    planned: list[Gathering] = []
    with transaction.atomic():
        existing = set(network.gatherings.values_list("kind", "number"))
        for number, day in enumerate(schedule.gatherings, start=1):
            if (Gathering.Kind.GATHERING, number) in existing:
                continue
            invitation = rules.default_invitation(number)
            planned.append(
                gathering_save(
                    network=network,
                    actor=actor,
                    kind=Gathering.Kind.GATHERING,
                    number=number,
                    starts_on=day,
                    place=place,
                    invites_team=invitation.team,
                    invites_leaders=invitation.leaders,
                    invites_top_leaders=invitation.top_leaders,
                )
            )
        if (Gathering.Kind.EXPERIENCE, None) not in existing:
            planned.append(
                gathering_save(
                    network=network,
                    actor=actor,
                    kind=Gathering.Kind.EXPERIENCE,
                    starts_on=schedule.experience_gathering,
                    place=place,
                )
            )
    return planned


def material_add(
    *,
    gathering: Gathering,
    actor: User,
    title: str,
    url: str = "",
    file_name: str = "",
    content_type: str = "",
    content: bytes | None = None,
) -> Material:
    if gathering.network is None:
        if not actor.is_superuser:
            raise ValidationError(_("Only an administrator shares a national event's materials."))
    else:
        require_coordinator(actor, gathering.network)
    if not url and not content:
        raise ValidationError(_("Give a link or a file."))
    with transaction.atomic():
        material = Material(
            gathering=gathering,
            title=title,
            url=url,
            file_name=file_name if content else "",
            content_type=content_type if content else "",
            content=content,
            added_by=actor,
        )
        material.full_clean()
        material.save()
    return material
