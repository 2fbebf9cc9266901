"""Who was invited by e-mail to a gathering, a national event or a guidance session, and when.

One row per event and address, so sending again sends only to those not reached yet (a second
send does not mail anybody twice). The row keeps the person's name and address as they were
when invited; the team confirms who takes part in guidance on the session's invitation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.improvement.models.guidance import GuidanceSession
from forlop.improvement.models.network import Gathering, Network
from forlop.improvement.models.team import Team


class EventInvitation(BaseModel):
    class Reason(models.TextChoices):
        TEAM = "team", _("team member")
        LEADER = "leader", _("leader")
        TOP_LEADER = "top_leader", _("top leader")
        OTHER = "other", _("invited by name")

    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    session = models.ForeignKey(
        GuidanceSession,
        verbose_name=_("guidance session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_invitations",
    )
    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The network whose coordinators invited the person."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    reason = models.CharField(_("invited as"), max_length=20, choices=Reason.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("e-mail invitation")
        verbose_name_plural = _("e-mail invitations")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(gathering__isnull=False, session__isnull=True)
                    | Q(gathering__isnull=True, session__isnull=False)
                ),
                name="event_invitation_one_event",
            ),
            models.UniqueConstraint(
                fields=["gathering", "email"],
                condition=Q(gathering__isnull=False),
                name="event_invitation_once_per_gathering",
            ),
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(session__isnull=False),
                name="event_invitation_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
