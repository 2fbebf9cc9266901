"""Writes of interop data: registering and revoking system clients.

How a client maps onto the access rule (docs/interop.md, "System clients"): a client acts for
one organisation through a *service user* that holds memberships in that organisation's units,
with the roles given at registration. ``Patient.objects.visible_to`` is then applied to the
service user exactly as to a person: a home-care client sees the patients its districts serve,
a hospital client the patients in its wards' open stays, a GP office's client the patients its
practice serves (``PatientService``). Nothing is added to the rule, and a client can never
reach further than a person in those units could. Emergency access is not available to
clients (only people can take it, with a reason). Revoking a client deactivates its service
user (so ``visible_to`` returns nothing) and its tokens.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from forlop.core.audit import audit_record
from forlop.core.models import CLINICAL_ROLES, AuditVerb, Membership, Organisation, Unit, User
from forlop.interop.fhir.scopes import valid_scope_text
from forlop.interop.models import AccessToken, ClientAssertion, SystemClient

SERVICE_USER_PREFIX = "system-"


def _check_jwks(jwks: dict[str, Any]) -> None:
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # a JWKS dict, checked here
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ValidationError(_("The public keys are not a valid JWKS."), code="jwks") from exc
    for key in keys.keys:
        if key.is_private:
            raise ValidationError(
                _("Register only the public key; never send the private key."), code="private_key"
            )
        if key.key_type not in ("RSA", "EC"):
            raise ValidationError(_("Use an RSA or EC key."), code="key_type")


def system_client_register(
    *,
    actor: User | None,
    organisation: Organisation,
    client_id: str,
    name: str,
    jwks: dict[str, Any],
    scopes: str,
    memberships: Sequence[tuple[Unit, str]],
) -> SystemClient:
    """Register a client for ``organisation`` with its public keys, scopes and unit roles."""
    if not valid_scope_text(scopes):
        raise ValidationError(
            _("Give the scopes as system/<Type>.read, system/<Type>.write or system/*.read."),
            code="scopes",
        )
    _check_jwks(jwks)
    if not memberships:
        raise ValidationError(
            _("Give at least one unit and role the client acts in."), code="units"
        )
    for unit, role in memberships:
        if unit.organisation_id != organisation.pk:
            raise ValidationError(
                _("A client acts only in its own organisation's units."), code="wrong_organisation"
            )
        if role not in CLINICAL_ROLES:
            raise ValidationError(_("Choose a clinical role for each unit."), code="role")
    with transaction.atomic():
        user = User(
            username=f"{SERVICE_USER_PREFIX}{client_id}",
            first_name=name,
            last_name=f"({organisation.name})",
            email="",
        )
        user.set_unusable_password()
        user.full_clean(exclude=["email", "password"])
        user.save()
        for unit, role in memberships:
            Membership.objects.create(user=user, unit=unit, role=role)
        client = SystemClient(
            client_id=client_id,
            name=name,
            organisation=organisation,
            service_user=user,
            jwks=jwks,
            scopes=" ".join(scopes.split()),
        )
        client.full_clean()
        client.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.CLIENT_REGISTERED,
            target=client,
            data={
                "client": client_id,
                "organisation": organisation.code,
                "scopes": client.scopes,
                "units": [f"{u.code}:{r}" for u, r in memberships],
            },
        )
    return client


def system_client_revoke(
    *, actor: User | None, client: SystemClient, reason: str, now: datetime | None = None
) -> SystemClient:
    """Revoke a client: its tokens stop working at once and its service user sees nothing."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Explain why the client is revoked."), code="reason")
    with transaction.atomic():
        client = (
            SystemClient.objects.select_for_update()
            .select_related("service_user")
            .get(pk=client.pk)
        )
        if client.revoked_at is not None:
            raise ValidationError(_("The client is already revoked."), code="revoked")
        client.revoked_at = now
        client.revoked_reason = reason
        client.save(update_fields=["revoked_at", "revoked_reason", "updated_at"])
        client.service_user.is_active = False
        client.service_user.save(update_fields=["is_active"])
        AccessToken.objects.filter(client=client, revoked_at__isnull=True).update(revoked_at=now)
        audit_record(
            actor=actor,
            verb=AuditVerb.CLIENT_REVOKED,
            target=client,
            reason=reason,
            data={"client": client.client_id},
        )
    return client


def client_assertions_prune(*, now: datetime | None = None) -> int:
    """Forget assertion ids past their expiry (an expired assertion is refused anyway)."""
    now = now or timezone.now()
    deleted, _counts = ClientAssertion.objects.filter(expires_at__lt=now).delete()
    return deleted
