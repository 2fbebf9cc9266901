"""The model for improvement in daily use: driver diagrams, change ideas and time thieves (with
votes and discussion), PDSA cycles, the progress score, the communication and spread plans,
and the huddle board's settings per unit.

Nothing here holds patient data. Stages, sustainability and lateness are derived when read
(``improvement/method.py``), never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.improvement.method import COMMENT_MAX, IDEA_TEXT_MAX, IDEA_TITLE_MAX
from forlop.improvement.models.team import Team, TeamMember
from forlop.improvement.models.work import Aim


class Driver(BaseModel):
    """A primary driver of an aim (no parent) or a secondary driver under a primary one. The
    aim and its drivers are the driver diagram; change ideas hang under the drivers."""

    aim = models.ForeignKey(
        Aim, verbose_name=_("aim"), on_delete=models.CASCADE, related_name="drivers"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("primary driver"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    text = models.CharField(_("driver"), max_length=200)
    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("process measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A measure that shows whether this driver moves."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("driver")
        verbose_name_plural = _("drivers")
        ordering = ["aim", "order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_primary(self) -> bool:
        return self.parent_id is None


class ChangeIdea(BaseModel):
    """An idea for a change, or a time thief (what wastes time), from the team's list (the
    group work "tidstyver og forbedringsforslag"). Under a driver it is a change idea of the
    driver diagram; tested in PDSA cycles, it is adopted or abandoned."""

    class Kind(models.TextChoices):
        IDEA = "idea", _("Improvement suggestion")
        TIME_THIEF = "time_thief", _("Time thief")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        TESTING = "testing", _("Being tested")
        ADOPTED = "adopted", _("Adopted")
        ABANDONED = "abandoned", _("Abandoned")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="ideas"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.IDEA)
    title = models.CharField(_("idea"), max_length=IDEA_TITLE_MAX)
    description = models.TextField(_("description"), max_length=IDEA_TEXT_MAX, blank=True)
    driver = models.ForeignKey(
        Driver,
        verbose_name=_("driver"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The unit the idea comes from; it shows on that unit's huddle board."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    quality_system = models.CharField(
        _("in the quality system"),
        max_length=300,
        blank=True,
        help_text=_("Where the new procedure or checklist is kept, for example its document id."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suggested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("change idea")
        verbose_name_plural = _("change ideas")
        ordering = ["team", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="adopted", adopted_on__isnull=False) | ~Q(status="adopted"),
                name="idea_adopted_has_date",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.TESTING)


class IdeaVote(BaseModel):
    idea = models.ForeignKey(
        ChangeIdea, verbose_name=_("change idea"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="idea_vote_once")]

    def __str__(self) -> str:
        return f"{self.idea_id} · {self.user_id}"


class IdeaComment(BaseModel):
    idea = models.ForeignKey(
        ChangeIdea,
        verbose_name=_("change idea"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    text = models.TextField(_("comment"), max_length=COMMENT_MAX)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["idea", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class PdsaCycle(BaseModel):
    """One plan-do-study-act cycle testing a change idea. Cycles under one idea chain into a
    ramp (``previous``). Its stage is derived (``method.cycle_stage``); a cycle shows as an
    annotation on the charts of the measures it targets."""

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADAPT = "adapt", _("Adapt")
        ABANDON = "abandon", _("Abandon")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="cycles"
    )
    idea = models.ForeignKey(
        ChangeIdea,
        verbose_name=_("change idea"),
        on_delete=models.CASCADE,
        related_name="cycles",
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous cycle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycles",
    )
    title = models.CharField(_("what we test"), max_length=200)
    owner = models.ForeignKey(
        TeamMember,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("tested in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.TextField(_("plan: who, what, where, when"), blank=True)
    prediction = models.TextField(_("prediction: what we expect to happen"), blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    done_text = models.TextField(_("do: what happened"), blank=True)
    study_text = models.TextField(
        _("study: what we learned, compared with the prediction"), blank=True
    )
    decision = models.CharField(_("act"), max_length=10, choices=Decision.choices, blank=True)
    act_text = models.TextField(_("act: what we do next"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    measures = models.ManyToManyField(
        "measures.Measure", verbose_name=_("measures it targets"), related_name="+", blank=True
    )
    template_version = models.ForeignKey(
        "pathways.TemplateVersion",
        verbose_name=_("new checklist version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("When the cycle changes a checklist: the template version it led to."),
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
        verbose_name = _("PDSA cycle")
        verbose_name_plural = _("PDSA cycles")
        ordering = ["team", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="pdsa_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressScore(BaseModel):
    """The team's own progress score on the IHI / Life QI 0.5-5 scale, with its reason,
    reviewed by the network's coordinator."""

    class Review(models.TextChoices):
        AGREED = "agreed", _("Agreed")
        QUESTIONED = "questioned", _("Questioned")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="progress_scores"
    )
    score = models.DecimalField(_("progress score"), max_digits=2, decimal_places=1)
    reason = models.TextField(_("why this score"))
    set_on = models.DateField(_("set on"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review = models.CharField(_("review"), max_length=20, choices=Review.choices, blank=True)
    review_note = models.TextField(_("the coordinator's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("progress score")
        verbose_name_plural = _("progress scores")
        ordering = ["team", "set_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0.5, score__lte=5), name="progress_score_0_5_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.set_on}: {self.score}"


class CommunicationItem(BaseModel):
    """A line of the communication plan: what to tell whom, when, through which channel."""

    class Audience(models.TextChoices):
        POLITICAL = "political", _("Political leadership")
        ADMINISTRATIVE = "administrative", _("Administrative leadership")
        HOSPITAL = "hospital", _("Hospital leadership")
        STAFF = "staff", _("Staff")
        GPS = "gps", _("GPs")
        PATIENTS = "patients", _("Patients and next of kin")
        OTHER = "other", _("Others")

    class Channel(models.TextChoices):
        MEETING = "meeting", _("Existing meetings")
        INTRANET = "intranet", _("Web site or intranet")
        NEWSLETTER = "newsletter", _("Newsletter")
        BROCHURE = "brochure", _("Brochure")
        SOCIAL = "social", _("Social media")
        POSTER = "poster", _("The poster on the wall")
        LOCAL_MEDIA = "local_media", _("Local media")
        FILM = "film", _("Film")

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="communication"
    )
    audience = models.CharField(_("to whom"), max_length=20, choices=Audience.choices)
    message = models.CharField(_("what"), max_length=300)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    planned_on = models.DateField(_("when"))
    responsible = models.CharField(_("who tells"), max_length=200, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("communication plan item")
        verbose_name_plural = _("communication plan")
        ordering = ["team", "planned_on", "pk"]

    def __str__(self) -> str:
        return self.message


class SpreadStep(BaseModel):
    """A unit that is to adopt a change next (the spread plan)."""

    idea = models.ForeignKey(
        ChangeIdea,
        verbose_name=_("change"),
        on_delete=models.CASCADE,
        related_name="spread_steps",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_on = models.DateField(_("planned for"))
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("spread step")
        verbose_name_plural = _("spread plan")
        ordering = ["idea", "planned_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "unit"], name="spread_step_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.idea} → {self.unit_id}"


class BoardSetting(BaseModel):
    """How a unit's huddle board shows patients: names, or initials only (set by the unit's
    leader; a board address may always ask for initials, never for more)."""

    unit = models.OneToOneField(
        "core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="board"
    )
    initials_only = models.BooleanField(_("initials only"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("huddle board setting")
        verbose_name_plural = _("huddle board settings")

    def __str__(self) -> str:
        return str(self.unit_id)
