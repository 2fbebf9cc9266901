"""Interoperability data: system clients and their tokens, the identifiers other systems gave
the things they sent us, processed bundles, and bulk export jobs.

A system client (a hospital's, a GP office's or a municipal EHR's integration) acts for one
organisation through its own *service user*: a ``core.User`` that cannot log in and holds
memberships in the organisation's units. Every access rule written for people
(``Patient.objects.visible_to``) then applies to the client unchanged, and every audit row the
services write names the client (its service user). See docs/interop.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel


class SystemClient(BaseModel):
    """A registered system client (OAuth 2.0 client credentials, private_key_jwt).

    The few methods below are Authlib's ``ClientMixin`` interface (what the authorisation
    server asks a client); they only read this row's own fields.
    """

    client_id = models.SlugField(_("client id"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="system_clients",
    )
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service user"),
        on_delete=models.PROTECT,  # the audit log refers to it
        related_name="system_client",
    )
    jwks = models.JSONField(_("public keys (JWKS)"), default=dict)
    scopes = models.TextField(
        _("allowed scopes"), help_text=_("Space-separated SMART system scopes.")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("why revoked"), blank=True)

    class Meta:
        verbose_name = _("system client")
        verbose_name_plural = _("system clients")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.service_user.is_active

    @property
    def allowed_scopes(self) -> list[str]:
        return self.scopes.split()

    # --- Authlib ClientMixin -----------------------------------------------------------------

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        from forlop.interop.fhir.scopes import narrow_scopes

        return narrow_scopes(requested=scope, allowed=self.allowed_scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return False  # no shared secrets: only signed assertions

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return self.is_active and method == "private_key_jwt" and endpoint == "token"

    def check_grant_type(self, grant_type: str) -> bool:
        return self.is_active and grant_type == "client_credentials"

    def check_response_type(self, response_type: str) -> bool:
        return False


class AccessToken(BaseModel):
    """An issued bearer token. Only its SHA-256 is stored, so a database dump holds no token."""

    client = models.ForeignKey(
        SystemClient,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="tokens",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    scope = models.TextField(_("scope"))
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("access token")
        verbose_name_plural = _("access tokens")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.client.client_id} {self.issued_at:%Y-%m-%d %H:%M}"

    # --- Authlib TokenMixin ------------------------------------------------------------------

    def check_client(self, client: Any) -> bool:
        return bool(client is not None and client.pk == self.client_id)

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return max(0, int((self.expires_at - self.issued_at).total_seconds()))

    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def is_revoked(self) -> bool:
        return self.revoked_at is not None or not self.client.is_active


class ClientAssertion(models.Model):
    """A client assertion's ``jti`` seen at the token endpoint: a second use is a replay.

    The unique constraint is the check (no check-then-act); rows past ``expires_at`` can be
    removed by ``forlop clients --prune`` since an expired assertion is refused anyway.
    """

    client = models.ForeignKey(
        SystemClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    jti = models.CharField(_("assertion id"), max_length=255)
    expires_at = models.DateTimeField(_("expires"))
    seen_at = models.DateTimeField(_("seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("client assertion")
        verbose_name_plural = _("client assertions")
        constraints = [
            models.UniqueConstraint(fields=["client", "jti"], name="client_assertion_unique_jti")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.jti}"


class ExternalReference(BaseModel):
    """An identifier another system gave something we hold (an Encounter id from the hospital,
    a QuestionnaireResponse id from the GP's EHR): the key of conditional creates."""

    system = models.CharField(_("identifier system"), max_length=255)
    value = models.CharField(_("identifier value"), max_length=255)
    resource_type = models.CharField(_("FHIR resource type"), max_length=40)
    target_type = models.CharField(_("object type"), max_length=60)
    target_id = models.BigIntegerField(_("object"))
    client = models.ForeignKey(
        SystemClient,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["resource_type", "system", "value"], name="external_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.system}|{self.value}"


class InboundBundle(BaseModel):
    """A transaction bundle a client sent, by content hash, with the response it got.

    The same bundle twice gets the same response and changes nothing.
    """

    client = models.ForeignKey(
        SystemClient, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    digest = models.CharField(_("content hash"), max_length=64)
    response = models.JSONField(_("response"))

    class Meta:
        verbose_name = _("received bundle")
        verbose_name_plural = _("received bundles")
        constraints = [
            models.UniqueConstraint(fields=["client", "digest"], name="inbound_bundle_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.digest[:12]}"


class BulkExportJob(BaseModel):
    """A FHIR Bulk Data ``$export`` request of a system client, and where its files are."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    client = models.ForeignKey(
        SystemClient, verbose_name=_("client"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    since = models.DateTimeField(_("changed since"), null=True, blank=True)
    types = models.JSONField(_("resource types"), default=list, blank=True)
    request_url = models.TextField(_("request"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    output = models.JSONField(_("files"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("bulk export")
        verbose_name_plural = _("bulk exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="bulk_export_completed_has_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M} {self.status}"
