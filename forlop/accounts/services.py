"""Logging a person in from a national login, and linking a national login to a user."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from forlop.accounts.identity import identity_key
from forlop.accounts.models import LoginIdentity, Provider
from forlop.accounts.oidc import ProviderConfig
from forlop.core.models import User

log = logging.getLogger("forlop.auth")


def login_identity_link(*, user: User, provider: str, national_id: str) -> LoginIdentity:
    """Let `user` log in through `provider` as the person with this identity number.

    Called when a portal account is made for a patient (ID-porten), or by an operator for a
    staff member without an HPR number (HelseID). Only an HMAC of the number is stored.
    """
    key = identity_key(national_id)
    with transaction.atomic():
        link, _created = LoginIdentity.objects.get_or_create(
            provider=provider, key=key, defaults={"user": user}
        )
    if link.user_id != user.pk:
        raise PermissionDenied(_("This national login already belongs to another user."))
    return link


def user_for_claims(*, config: ProviderConfig, claims: dict[str, Any]) -> User:
    """The active Forløp user these verified claims belong to; PermissionDenied otherwise.

    A known national login (by the HMAC of its pid) gives its user. A HelseID login not yet
    linked is linked once, when its HPR number matches exactly one active staff user.
    Nobody is created here: staff are made by their administrators, portal accounts by staff.
    """
    pid = str(claims.get(config.pid_claim) or "")
    if not pid:
        raise PermissionDenied(_("The identity provider did not say who you are."))
    key = identity_key(pid)
    link = LoginIdentity.objects.select_related("user").filter(provider=config.name, key=key)
    found = link.first()
    if found is not None:
        user = found.user
    elif config.name == Provider.HELSEID and config.hpr_claim and claims.get(config.hpr_claim):
        candidates = list(
            User.objects.filter(
                hpr_number=str(claims[config.hpr_claim]),
                is_active=True,
                memberships__active=True,
            ).distinct()[:2]
        )
        if len(candidates) != 1:
            raise PermissionDenied(
                _("Your HelseID login is not linked to a user in Forløp. Ask your administrator.")
            )
        user = candidates[0]
        try:
            with transaction.atomic():
                LoginIdentity.objects.create(user=user, provider=config.name, key=key)
        except IntegrityError:  # linked by a parallel first login
            pass
        log.info("linked %s login to user %s by HPR number", config.name, user.pk)
    else:
        raise PermissionDenied(
            _("Your login is not linked to a user in Forløp. Ask your administrator.")
            if config.name == Provider.HELSEID
            else _("You have no access to Forløp's pages for patients and next of kin.")
        )
    if not user.is_active:
        raise PermissionDenied(_("Your user is deactivated."))
    return user
