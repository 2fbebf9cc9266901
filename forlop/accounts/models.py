"""Links between a person's national login and a Forløp user.

The identity number from HelseID or ID-porten (the `pid` claim) is never stored: only an HMAC of
it under FORLOP_IDENTITY_KEY, enough to recognise the person at the next login.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel


class Provider(models.TextChoices):
    HELSEID = "helseid", "HelseID"
    IDPORTEN = "idporten", "ID-porten"


class LoginIdentity(BaseModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="login_identities",
    )
    provider = models.CharField(_("identity provider"), max_length=20, choices=Provider)
    key = models.CharField(_("identity key"), max_length=64)  # HMAC-SHA256 of the pid, hex

    class Meta:
        verbose_name = _("national login")
        verbose_name_plural = _("national logins")
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="login_identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} → {self.user}"
