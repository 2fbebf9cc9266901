"""Status reports (one per team and gathering, locked after submission with versions kept)
and posters (one per team and gathering, rendered to PDF from the team's own data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.improvement.models.network import Gathering
from forlop.improvement.models.team import Team

#: The report's text sections, in order (the draft fills them; the team edits them).
REPORT_SECTIONS = ("work_done", "aims_and_measures", "pdsa", "challenges", "next_steps", "needs")


class StatusReport(BaseModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="status_reports"
    )
    gathering = models.ForeignKey(
        Gathering,
        verbose_name=_("gathering"),
        on_delete=models.PROTECT,
        related_name="status_reports",
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    work_done = models.TextField(_("what we have done since the last gathering"), blank=True)
    aims_and_measures = models.TextField(_("aims and measures"), blank=True)
    pdsa = models.TextField(_("changes tested (PDSA)"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    needs = models.TextField(_("what we need guidance on"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status report")
        verbose_name_plural = _("status reports")
        ordering = ["gathering__starts_on", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "gathering"], name="status_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.gathering}"

    @property
    def locked(self) -> bool:
        return self.state == self.State.SUBMITTED


class StatusReportVersion(BaseModel):
    """What was submitted, kept as it was: the texts and the charts (SVG) of that day."""

    report = models.ForeignKey(
        StatusReport,
        verbose_name=_("status report"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(_("sections"), default=dict)
    charts = models.JSONField(_("charts"), default=list)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("status report version")
        verbose_name_plural = _("status report versions")
        ordering = ["report", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="status_report_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


class Poster(BaseModel):
    """What the team adds to its poster for a gathering; the rest comes from its data."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="posters"
    )
    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.PROTECT, related_name="posters"
    )
    headline = models.CharField(
        _("headline"), max_length=200, blank=True, help_text=_("One line under the name.")
    )
    # Kept in the database (checked type and size; see forms.PosterForm).
    photo = models.BinaryField(_("photo"), null=True, blank=True, editable=False)
    photo_type = models.CharField(_("photo type"), max_length=20, blank=True)
    photo_text = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for those who cannot see it."),
    )

    class Meta:
        verbose_name = _("poster")
        verbose_name_plural = _("posters")
        ordering = ["gathering__starts_on", "team__name"]
        constraints = [models.UniqueConstraint(fields=["team", "gathering"], name="poster_once")]

    def __str__(self) -> str:
        return f"{self.team} · {self.gathering}"
