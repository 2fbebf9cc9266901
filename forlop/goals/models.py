"""'Hva er viktig for deg?' (what matters to you): versioned PSFS forms, the patient's goals in
their own words, scorings over time, proposals from the portal and portal accounts.

Scoring arithmetic lives in `rules.py`; these models only hold the data.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.goals import rules
from forlop.patients.models import PatientRecord

THRESHOLD_SOURCE_DEFAULT = "Abbott & Schmitt 2014: 1.3 small, 2.3 medium, 2.7 large"


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = rules.Direction.HIGHER_IS_BETTER.value, _("0 = cannot do it, 10 = as before")
    LOWER_IS_BETTER = rules.Direction.LOWER_IS_BETTER.value, _("0 = no problem, 10 = cannot do it")


class AnsweredBy(models.TextChoices):
    PATIENT = "patient", _("The patient")
    NEXT_OF_KIN_WITH_PATIENT = (
        "next_of_kin_with_patient",
        _("Next of kin together with the patient"),
    )
    STAFF_INTERVIEW = "staff_interview", _("Staff, interviewing the patient")


class WhatMattersForm(BaseModel):
    """The form a municipality uses; null organisation is the national default."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="what_matters_forms",
        help_text=_("Empty for the national default."),
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("what-matters form")
        verbose_name_plural = _("what-matters forms")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WhatMattersFormVersion(BaseModel):
    form = models.ForeignKey(
        WhatMattersForm,
        verbose_name=_("form"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    max_goals = models.PositiveSmallIntegerField(_("maximum number of goals"), default=5)
    scale_min = models.PositiveSmallIntegerField(_("lowest score"), default=rules.MIN_SCORE)
    scale_max = models.PositiveSmallIntegerField(_("highest score"), default=rules.MAX_SCORE)
    direction = models.CharField(
        _("direction"),
        max_length=20,
        choices=Direction,
        default=Direction.HIGHER_IS_BETTER,
    )
    threshold = models.DecimalField(
        _("meaningful change"),
        max_digits=3,
        decimal_places=1,
        default=rules.MID_MEDIUM,
        help_text=_("Change in the average score at or beyond which the change is flagged."),
    )
    threshold_source = models.CharField(
        _("source of the threshold"), max_length=300, default=THRESHOLD_SOURCE_DEFAULT
    )
    decline_threshold = models.DecimalField(
        _("decline to flag"),
        max_digits=3,
        decimal_places=1,
        default=rules.DECLINE_THRESHOLD_DEFAULT,
        help_text=_(
            "A fall in the average score at or beyond which a decline is flagged. A local "
            "default: no published threshold for decline was found."
        ),
    )

    class Meta:
        verbose_name = _("what-matters form version")
        verbose_name_plural = _("what-matters form versions")
        ordering = ["form", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["form", "number"], name="what_matters_version_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(max_goals__gte=1) & Q(max_goals__lte=10),
                name="what_matters_version_max_goals_range",
            ),
            models.CheckConstraint(
                condition=Q(scale_min=rules.MIN_SCORE) & Q(scale_max=rules.MAX_SCORE),
                name="what_matters_version_scale_0_10",
            ),
            models.CheckConstraint(
                condition=Q(threshold__gt=Decimal(0)),
                name="what_matters_version_threshold_positive",
            ),
            models.CheckConstraint(
                condition=Q(decline_threshold__gt=Decimal(0)),
                name="what_matters_version_decline_threshold_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form.name} v{self.number}"

    @property
    def rules_direction(self) -> rules.Direction:
        return rules.Direction(self.direction)


class WhatMattersQuestion(BaseModel):
    """The question and the scale's anchors in one language (nb, nn, en, se, smj, sma ...)."""

    version = models.ForeignKey(
        WhatMattersFormVersion,
        verbose_name=_("form version"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    language = models.CharField(_("language code"), max_length=10)
    text = models.CharField(_("question"), max_length=300)
    anchor_min = models.CharField(_("text at the lowest score"), max_length=200)
    anchor_max = models.CharField(_("text at the highest score"), max_length=200)

    class Meta:
        verbose_name = _("question text")
        verbose_name_plural = _("question texts")
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "language"], name="what_matters_question_unique_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.language}: {self.text}"


class Goal(PatientRecord):
    data_controller_from = "patient"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REACHED = "reached", _("Reached")
        CHANGED = "changed", _("Changed")
        DROPPED = "dropped", _("Dropped")

    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,  # clinical record: never cascade away from a patient
        related_name="goals",
    )
    version = models.ForeignKey(
        WhatMattersFormVersion,
        verbose_name=_("form version"),
        on_delete=models.PROTECT,
        related_name="goals",
    )
    text = models.CharField(_("goal, in the patient's own words"), max_length=300)
    answered_by = models.CharField(
        _("answered by"), max_length=30, choices=AnsweredBy, default=AnsweredBy.PATIENT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["patient", "created_at", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="goal_text_required")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class GoalChange(PatientRecord):
    """History of a goal: every change of text or status keeps what it was before."""

    data_controller_from = "goal"

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="changes"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    old_text = models.CharField(_("previous text"), max_length=300)
    new_text = models.CharField(_("new text"), max_length=300)
    old_status = models.CharField(_("previous status"), max_length=20, choices=Goal.Status.choices)
    new_status = models.CharField(_("new status"), max_length=20, choices=Goal.Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("goal change")
        verbose_name_plural = _("goal changes")
        ordering = ["goal", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.old_status} → {self.new_status}"


class Scoring(PatientRecord):
    """One sitting where the patient scored their goals: the baseline or a follow-up.

    A scoring belongs to an *episode*: the pathway it was recorded in (a discharge, a decline
    at home, an annual review). Each new pathway starts a new baseline, and change is paired
    per goal within one episode (``rules.pair_within_episode``). ``pathway`` is empty only for
    a patient scored with no pathway running (one episode "outside a pathway").
    """

    data_controller_from = "patient"

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        FOLLOW_UP = "follow_up", _("Follow-up")

    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,  # clinical record
        related_name="goal_scorings",
    )
    version = models.ForeignKey(
        WhatMattersFormVersion,
        verbose_name=_("form version"),
        on_delete=models.PROTECT,
        related_name="scorings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    pathway = models.ForeignKey(
        "pathways.Pathway",
        verbose_name=_("pathway (episode)"),
        on_delete=models.PROTECT,  # clinical record
        null=True,
        blank=True,
        related_name="goal_scorings",
    )
    scored_at = models.DateTimeField(_("scored"))
    answered_by = models.CharField(
        _("answered by"), max_length=30, choices=AnsweredBy, default=AnsweredBy.PATIENT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    # HPH2 (baseline) or HPH5 (the 4-week reassessment) when scored at a stop point.
    stop_point = models.ForeignKey(
        "pathways.StopPoint",
        verbose_name=_("stop point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goal_scorings",
    )

    class Meta:
        verbose_name = _("scoring")
        verbose_name_plural = _("scorings")
        ordering = ["patient", "scored_at", "pk"]
        constraints = [
            # One baseline sitting per episode (and form version); outside any pathway, one
            # per patient and form version, as before episodes.
            models.UniqueConstraint(
                fields=["pathway", "version"],
                condition=Q(kind="baseline", pathway__isnull=False),
                name="scoring_one_baseline_per_episode",
            ),
            models.UniqueConstraint(
                fields=["patient", "version"],
                condition=Q(kind="baseline", pathway__isnull=True),
                name="scoring_one_baseline_outside_pathway",
            ),
        ]
        indexes = [
            models.Index(fields=["pathway", "scored_at"], name="scoring_episode_scored"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.scored_at:%Y-%m-%d}"


class Score(PatientRecord):
    data_controller_from = "scoring"

    scoring = models.ForeignKey(
        Scoring, verbose_name=_("scoring"), on_delete=models.PROTECT, related_name="scores"
    )
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["scoring", "goal"]
        constraints = [
            models.UniqueConstraint(fields=["scoring", "goal"], name="score_unique_goal"),
            models.CheckConstraint(
                condition=Q(value__gte=rules.MIN_SCORE) & Q(value__lte=rules.MAX_SCORE),
                name="score_value_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.value}"


class PatientProposal(PatientRecord):
    """A new goal or a comment the patient (or authorised next of kin) sent from the portal."""

    data_controller_from = "patient"

    class Kind(models.TextChoices):
        GOAL = "goal", _("A new goal")
        COMMENT = "comment", _("A comment")

    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,  # part of the record
        related_name="goal_proposals",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("seen by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("proposal from the patient")
        verbose_name_plural = _("proposals from patients")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="proposal_text_required"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"
