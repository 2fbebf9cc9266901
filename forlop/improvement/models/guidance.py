"""Guidance sessions between gatherings: the invitation to the teams, who takes part, the
team's status and guidance needs sent in advance, and the guide's notes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.improvement.models.network import Network
from forlop.improvement.models.team import Team, TeamMember


class GuidanceSession(BaseModel):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="guidance"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    guide = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guide"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    teams = models.ManyToManyField(
        Team, verbose_name=_("teams"), through="GuidanceInvitation", related_name="+"
    )

    class Meta:
        verbose_name = _("guidance session")
        verbose_name_plural = _("guidance sessions")
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return self.title


class GuidanceInvitation(BaseModel):
    session = models.ForeignKey(
        GuidanceSession,
        verbose_name=_("guidance session"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="guidance"
    )
    participants = models.ManyToManyField(
        TeamMember, verbose_name=_("who takes part"), related_name="+", blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    status = models.TextField(_("where we are"), blank=True)
    needs = models.TextField(_("what we need guidance on"), blank=True)
    sent_at = models.DateTimeField(_("status and needs sent"), null=True, blank=True)
    guide_notes = models.TextField(_("the guide's notes"), blank=True)

    class Meta:
        verbose_name = _("guidance invitation")
        verbose_name_plural = _("guidance invitations")
        ordering = ["session", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["session", "team"], name="guidance_invitation_once")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.team}"
