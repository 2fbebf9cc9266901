"""The work between gatherings: tasks done, patient interviews, improvement areas and aims."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.improvement.models.team import Team


class TaskCompletion(BaseModel):
    """A task of the phase's list (``rules.PHASE_TASKS``) marked done. Its due date is never
    stored: it is derived from the gathering dates when read."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="task_completions"
    )
    task_code = models.CharField(_("task"), max_length=40)
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("task done")
        verbose_name_plural = _("tasks done")
        ordering = ["team", "done_on"]
        constraints = [models.UniqueConstraint(fields=["team", "task_code"], name="task_done_once")]

    def __str__(self) -> str:
        return f"{self.team}: {self.task_code}"


class InterviewNote(BaseModel):
    """Notes from one of the five patient interviews before gathering 1: what works, what
    does not. Written without identifying the patient; ``privacy.findings`` warns first."""

    class Interviewee(models.TextChoices):
        PATIENT = "patient", _("Patient")
        NEXT_OF_KIN = "next_of_kin", _("Next of kin")
        BOTH = "both", _("Patient and next of kin")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="interviews"
    )
    number = models.PositiveSmallIntegerField(_("interview number"))
    interviewee = models.CharField(
        _("who was interviewed"),
        max_length=20,
        choices=Interviewee.choices,
        default=Interviewee.PATIENT,
    )
    works_well = models.TextField(_("what works well"))
    works_badly = models.TextField(_("what does not work"))
    ideas = models.TextField(_("ideas and other points"), blank=True)
    # The kinds of warnings the writer saw and confirmed (never the flagged text itself).
    confirmed_warnings = models.JSONField(_("confirmed warnings"), default=list, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("interview note")
        verbose_name_plural = _("interview notes")
        ordering = ["team", "number"]
        constraints = [
            models.UniqueConstraint(fields=["team", "number"], name="interview_unique_number"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=5), name="interview_number_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.number}"


class ImprovementArea(BaseModel):
    """An area the team wants to improve, most often from the interviews."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="improvement_areas"
    )
    title = models.CharField(_("improvement area"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    from_interviews = models.BooleanField(_("found in the interviews"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("improvement area")
        verbose_name_plural = _("improvement areas")
        ordering = ["team", "order", "pk"]

    def __str__(self) -> str:
        return self.title


class Aim(BaseModel):
    """A concrete, measurable aim ("90 % of discharged patients get HPH2 within 3 days by
    June"), with its measures. Issue 13 adds driver diagrams and PDSA cycles to aims."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REACHED = "reached", _("Reached")
        PAUSED = "paused", _("Paused")
        DROPPED = "dropped", _("Dropped")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="aims"
    )
    statement = models.CharField(_("aim"), max_length=300)
    description = models.TextField(_("why and how"), blank=True)
    target_value = models.FloatField(
        _("target value"),
        null=True,
        blank=True,
        help_text=_("In the measure's unit; a share as a fraction (0.9 for 90 %)."),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    measures = models.ManyToManyField(
        "measures.Measure",
        verbose_name=_("measures"),
        through="AimMeasure",
        related_name="+",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("aim")
        verbose_name_plural = _("aims")
        ordering = ["team", "pk"]

    def __str__(self) -> str:
        return self.statement


class AimMeasure(BaseModel):
    """A measure that follows an aim: the outcome it is about, a process measure, or a
    balancing measure that watches for harm elsewhere."""

    class Role(models.TextChoices):
        OUTCOME = "outcome", _("Outcome measure")
        PROCESS = "process", _("Process measure")
        BALANCING = "balancing", _("Balancing measure")

    aim = models.ForeignKey(
        Aim, verbose_name=_("aim"), on_delete=models.CASCADE, related_name="aim_measures"
    )
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("measure"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OUTCOME)

    class Meta:
        verbose_name = _("measure of an aim")
        verbose_name_plural = _("measures of aims")
        ordering = ["aim", "pk"]
        constraints = [models.UniqueConstraint(fields=["aim", "measure"], name="aim_measure_once")]

    def __str__(self) -> str:
        return f"{self.aim}: {self.measure}"
