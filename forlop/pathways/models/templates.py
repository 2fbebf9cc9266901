"""Pathway templates: versions carry the content, stop-point definitions, checklist items.

Published versions never change (``forlop.authoring`` writes them); running pathways keep the
version they started on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel, Role
from forlop.pathways.models.choices import (
    AnchorChoices,
    AssessmentDomain,
    ChainActor,
    DeadlineUnitChoices,
    TriggerChoices,
)


class PathwayTemplate(BaseModel):
    """A pathway (collaboration chain) a municipality runs; versions carry the content."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    description = models.TextField(_("description"), blank=True)
    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathway_templates",
        help_text=_("Empty for the national defaults."),
    )
    national_default = models.BooleanField(_("national default"), default=False)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
    )

    class Meta:
        verbose_name = _("pathway template")
        verbose_name_plural = _("pathway templates")
        ordering = ["-national_default", "name"]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    template = models.ForeignKey(
        PathwayTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("what changed"), blank=True)

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="template_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class StopPointDefinition(BaseModel):
    version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="definitions",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    code = models.CharField(_("code"), max_length=20)
    show_code = models.BooleanField(
        _("code shown to users"),
        default=True,
        help_text=_(
            "Off for a stop point outside the HPH numbering (the daily care plan): users see "
            "its title only; the code stays for the template editor, exports and the API."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    responsible_role = models.CharField(_("responsible role"), max_length=30, choices=Role.choices)
    actor = models.CharField(
        _("actor in the chain"),
        max_length=30,
        choices=ChainActor.choices,
        default=ChainActor.HOME_CARE,
    )
    trigger = models.CharField(_("trigger"), max_length=30, choices=TriggerChoices.choices)
    trigger_events = models.JSONField(_("trigger events"), default=list, blank=True)
    after_code = models.CharField(_("after stop point"), max_length=20, blank=True)
    anchor = models.CharField(_("anchor"), max_length=30, choices=AnchorChoices.choices)
    deadline_amount = models.PositiveIntegerField(_("deadline"))
    deadline_unit = models.CharField(
        _("deadline unit"), max_length=20, choices=DeadlineUnitChoices.choices
    )
    window_amount = models.PositiveIntegerField(_("window"), null=True, blank=True)
    window_unit = models.CharField(
        _("window unit"), max_length=20, choices=DeadlineUnitChoices.choices, blank=True
    )
    repeats = models.BooleanField(_("repeats"), default=False)
    in_chain = models.BooleanField(
        _("counts in adherence reports"), default=True, help_text=_("Counts in adherence reports.")
    )
    main_checklist = models.BooleanField(
        _("main checklist"),
        default=False,
        help_text=_(
            "One of the main checklists: the HPH trial counted the patients who got at least "
            "3 of the 4 main checklists."
        ),
    )
    parts = models.JSONField(
        _("parts for other roles"),
        default=list,
        blank=True,
        help_text=_(
            "Parts another role completes, as a list of {role, title}: the owner prepares and "
            "signs the stop point; each part is signed by its role (HPH3: the GP records the "
            "visit and the medication review)."
        ),
    )
    deadline_source = models.CharField(
        _("source of the deadline"),
        max_length=300,
        blank=True,
        help_text=_("Where the deadline comes from (a study, a municipality's procedure)."),
    )
    deadline_local_default = models.BooleanField(
        _("deadline is a local default"),
        default=False,
        help_text=_("No published source backs the deadline: adapt it to local practice."),
    )

    class Meta:
        verbose_name = _("stop point")
        verbose_name_plural = _("stop points")
        ordering = ["version", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "code"], name="definition_unique_code_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def shown_code(self) -> str:
        """The code as users see it: empty where the template hides it (``show_code``)."""
        return self.code if self.show_code else ""

    @property
    def short_name(self) -> str:
        """The code, or the title where the code is hidden: for lists of stop points in a message."""
        return self.code if self.show_code else self.title

    @property
    def label(self) -> str:
        """The stop point as users name it: "HPH2 Strukturert oppfølging", "Daglig tiltaksplan"."""
        return f"{self.code} {self.title}" if self.show_code else self.title

    @property
    def part_specs(self) -> list[tuple[str, str]]:
        """The parts for other roles as (role, title), in template order."""
        return [
            (str(part.get("role", "")), str(part.get("title", "")))
            for part in (self.parts or [])
            if isinstance(part, dict)
        ]


class ChecklistItem(BaseModel):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes/no")
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        DATE = "date", _("Date")
        WHAT_MATTERS = "what_matters", _("What matters conversation")

    definition = models.ForeignKey(
        StopPointDefinition,
        verbose_name=_("stop point"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    key = models.SlugField(_("key"), max_length=60)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    allow_not_relevant = models.BooleanField(_("may be marked not relevant"), default=True)
    number_unit = models.CharField(_("unit"), max_length=20, blank=True)
    # A plausible range for a number answer (weight 20–300 kg): an answer outside is refused
    # with a message that gives the range and the unit.
    number_min = models.DecimalField(
        _("lowest plausible value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("highest plausible value"), max_digits=12, decimal_places=3, null=True, blank=True
    )
    choices = models.JSONField(_("choices"), default=list, blank=True)
    domain = models.CharField(
        _("assessment domain"), max_length=30, choices=AssessmentDomain.choices, blank=True
    )
    guidance = models.TextField(_("guidance"), blank=True)
    carry_to_care_plan = models.BooleanField(_("carry into the daily care plan"), default=False)
    part = models.CharField(
        _("part"),
        max_length=30,
        choices=Role.choices,
        blank=True,
        help_text=_("Empty: the owner's part. Otherwise the role whose part the question is in."),
    )
    local_default = models.BooleanField(
        _("local default"),
        default=False,
        help_text=_("No published source backs this question or its tool: adapt it locally."),
    )

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["definition", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "key"], name="item_unique_key_per_stop_point"
            )
        ]

    def __str__(self) -> str:
        return self.text
