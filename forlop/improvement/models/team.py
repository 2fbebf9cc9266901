"""Improvement teams (one per participating municipality, city district or hospital) and
their members."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.improvement.models.network import Network


class Team(BaseModel):
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.PROTECT, related_name="teams"
    )
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("municipality or hospital trust"),
        on_delete=models.PROTECT,
        related_name="improvement_teams",
        limit_choices_to={"kind__in": ["municipality", "hospital_trust"]},
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("city district or hospital"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="improvement_teams",
        help_text=_("Where the team comes from a part of the organisation."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(
        _("about the municipality or hospital"),
        blank=True,
        help_text=_(
            "Demography and services, and what makes the pathways hard here (for the poster)."
        ),
    )
    line_manager = models.CharField(
        _("line manager"), max_length=200, blank=True, help_text=_("Name and title.")
    )
    anchored_on = models.DateField(_("anchored with management on"), null=True, blank=True)
    anchored_with = models.CharField(
        _("anchored with"),
        max_length=200,
        blank=True,
        help_text=_("Who in the management, for example the head of health and care."),
    )
    interview_summary = models.TextField(_("what the interviews taught us"), blank=True)
    withdrawn_on = models.DateField(_("withdrew on"), null=True, blank=True)

    class Meta:
        verbose_name = _("improvement team")
        verbose_name_plural = _("improvement teams")
        ordering = ["network", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="team_unique_name_per_network")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(BaseModel):
    """A person on the team. Members usually work in the team's organisation; someone from
    elsewhere (a GP, a user representative, the hospital) joins by a recorded invitation."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_memberships",
        help_text=_("Members with an account work in Forløp on the team's pages."),
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(
        _("function"),
        max_length=200,
        blank=True,
        help_text=_("For example nurse, physiotherapist."),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("works in"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_leader = models.BooleanField(_("team leader"), default=False)
    is_measurement_lead = models.BooleanField(_("responsible for measurement"), default=False)
    invitation = models.TextField(
        _("invitation"),
        blank=True,
        help_text=_("Who invited this person from another organisation, and why."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "-is_leader", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(is_leader=True, active=True),
                name="team_one_leader",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(is_measurement_lead=True, active=True),
                name="team_one_measurement_lead",
            ),
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=Q(user__isnull=False, active=True),
                name="team_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name
