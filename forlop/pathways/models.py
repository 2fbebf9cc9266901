"""The HPH pathway engine's data: versioned templates with stop points and checklists, running
pathways, stop-point instances, checklist answers and events.

Statuses are never stored: they are derived when read from the stored times
(`rules.stop_point_status`), so nothing goes stale.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel, Role


class TriggerChoices(models.TextChoices):
    PATHWAY_START = "pathway_start", _("Pathway start")
    AFTER_STOP_POINT = "after_stop_point", _("Another stop point done")
    EVENT = "event", _("An event")
    RECURRENCE = "recurrence", _("Recurrence")


class AnchorChoices(models.TextChoices):
    PATHWAY_START = "pathway_start", _("Pathway start")
    DISCHARGE = "discharge", _("Discharge time")
    ARRIVAL_HOME = "arrival_home", _("Arrival home")
    EVENT = "event", _("Event time")
    PREVIOUS_DONE = "previous_done", _("Previous stop point done")


class DeadlineUnitChoices(models.TextChoices):
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")


class EventKindChoices(models.TextChoices):
    ADMISSION = "admission", _("Admitted to hospital")
    FALL = "fall", _("Fall")
    DECLINE = "decline", _("Decline in health or function")
    OUT_OF_HOURS_CONTACT = "out_of_hours_contact", _("Contact with out-of-hours service")
    RETURN_HOME = "return_home", _("Discharged / home again")
    DEATH = "death", _("Died")
    SERVICES_ENDED = "services_ended", _("Services ended")


class ChainActor(models.TextChoices):
    """The lanes of the collaboration chain (the HPH model's figure of the actors)."""

    HOME = "home", _("Home")
    HOSPITAL = "hospital", _("Hospital")
    ALLOCATION_OFFICE = "allocation_office", _("Allocation office")
    GP = "gp", _("GP")
    HOME_CARE = "home_care", _("Home care")
    OUT_OF_HOURS = "out_of_hours", _("Out-of-hours service")
    THERAPY = "therapy", _("Physio- and occupational therapy")
    NURSING_HOME = "nursing_home", _("Nursing home")


class AssessmentDomain(models.TextChoices):
    MEDICAL = "medical", _("Medical condition")
    PROBLEM_AREAS = "problem_areas", _("Problem areas")
    GOALS = "goals", _("The user's goals")
    FUNCTION = "function", _("Function")
    RESOURCES = "resources", _("Resources and coping")
    SOCIAL = "social", _("Social situation")
    SURROUNDINGS = "surroundings", _("Physical surroundings")
    NEXT_OF_KIN = "next_of_kin", _("Next of kin")
    FINANCES = "finances", _("Finances")
    IPLOS = "iplos", _("Reminder: IPLOS registration")
    FIRE_SAFETY = "fire_safety", _("Reminder: fire safety")
    WORKPLACE = "workplace", _("Reminder: work-place assessment")
    NOTIFY_PARTNERS = "notify_partners", _("Reminder: notify partners")
    MEDICATION = "medication", _("Medication")


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
        _("main checklist"), default=True, help_text=_("Counts in adherence reports.")
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
    choices = models.JSONField(_("choices"), default=list, blank=True)
    domain = models.CharField(
        _("assessment domain"), max_length=30, choices=AssessmentDomain.choices, blank=True
    )
    guidance = models.TextField(_("guidance"), blank=True)
    carry_to_care_plan = models.BooleanField(_("carry into the daily care plan"), default=False)

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


class Pathway(BaseModel):
    class StartReason(models.TextChoices):
        DISCHARGE = "discharge", _("Discharge from hospital")
        NEW_USER = "new_user", _("New user of services")
        DECLINE = "decline", _("Decline at home")
        ANNUAL_REVIEW = "annual_review", _("Annual review")

    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,  # clinical record
        related_name="pathways",
    )
    version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        related_name="pathways",
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        related_name="pathways",
    )
    primary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("primary contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    start_reason = models.CharField(_("start reason"), max_length=20, choices=StartReason.choices)
    started_at = models.DateTimeField(_("started"))
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)
    arrived_home_at = models.DateTimeField(_("arrived home"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.CharField(_("end reason"), max_length=30, blank=True)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous pathway"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next",
        help_text=_("Set when this pathway follows a readmission."),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["patient", "-started_at"], name="pathway_patient_started")]

    def __str__(self) -> str:
        return f"{self.version.template.name} {self.started_at:%Y-%m-%d}"


def open_q(prefix: str = "") -> Q:
    """Stop points still open: not completed, not marked not relevant, not interrupted.

    The one definition of "open" in the database; ``StopPoint.is_open`` is the same test on a
    loaded row, and ``rules.OPEN_STATUSES`` the same idea for a derived status.
    """
    return Q(
        **{
            f"{prefix}completed_at__isnull": True,
            f"{prefix}not_relevant_at__isnull": True,
            f"{prefix}interrupted_at__isnull": True,
        }
    )


def deadline_passed_q(now: datetime, prefix: str = "") -> Q:
    """Stop points whose deadline has passed at ``now`` (``Deadline.has_passed_at``).

    An all-day deadline has passed from ``ends_at`` (midnight after the due date); an hours
    deadline has passed strictly after its instant.
    """
    return Q(**{f"{prefix}due_all_day": True, f"{prefix}ends_at__lte": now}) | Q(
        **{f"{prefix}due_all_day": False, f"{prefix}ends_at__lt": now}
    )


def met_deadline_q(field_name: str = "completed_at") -> Q:
    """Stop points where ``field_name`` met the deadline (``Deadline.is_met_by``)."""
    return Q(due_all_day=True, **{f"{field_name}__lt": models.F("ends_at")}) | Q(
        due_all_day=False, **{f"{field_name}__lte": models.F("ends_at")}
    )


class StopPointQuerySet(models.QuerySet["StopPoint"]):
    def open(self) -> StopPointQuerySet:
        return self.filter(open_q())

    def in_running_pathways(self) -> StopPointQuerySet:
        return self.filter(pathway__ended_at__isnull=True)


class StopPoint(BaseModel):
    """One instance of a stop point in a running pathway. Its status is derived, never stored."""

    pathway = models.ForeignKey(
        Pathway, verbose_name=_("pathway"), on_delete=models.PROTECT, related_name="stop_points"
    )
    definition = models.ForeignKey(
        StopPointDefinition,
        verbose_name=_("stop point"),
        on_delete=models.PROTECT,
        related_name="instances",
    )
    occurrence = models.PositiveIntegerField(_("occurrence"), default=1)
    event = models.ForeignKey(
        "pathways.PathwayEvent",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opened",
    )
    triggered_at = models.DateTimeField(_("triggered"))
    opens_at = models.DateTimeField(_("opens"))
    due_at = models.DateTimeField(_("deadline"), db_index=True)
    due_all_day = models.BooleanField(_("deadline is a whole day"), default=True)
    ends_at = models.DateTimeField(
        _("deadline ends"), db_index=True, help_text=_("When the deadline has passed.")
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    not_relevant_at = models.DateTimeField(_("marked not relevant"), null=True, blank=True)
    not_relevant_reason = models.TextField(_("why not relevant"), blank=True)
    interrupted_at = models.DateTimeField(_("interrupted"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_stop_points",
    )
    revision = models.PositiveIntegerField(
        _("revision"),
        default=0,
        help_text=_("Raised on every change, to detect conflicting edits."),
    )

    class Meta:
        verbose_name = _("stop point instance")
        verbose_name_plural = _("stop point instances")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "definition", "occurrence"], name="stop_point_unique_occurrence"
            ),
            models.CheckConstraint(
                condition=Q(not_relevant_at__isnull=True) | ~Q(not_relevant_reason=""),
                name="stop_point_not_relevant_needs_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["completed_at", "not_relevant_at", "interrupted_at", "ends_at"],
                name="stop_point_open_lookup",
            )
        ]

    objects: ClassVar[StopPointQuerySet] = StopPointQuerySet.as_manager()  # type: ignore[assignment]

    def __str__(self) -> str:
        return f"{self.definition.code} #{self.occurrence}"

    @property
    def is_open(self) -> bool:
        """Not completed, not marked not relevant and not interrupted (see ``open_q``)."""
        return (
            self.completed_at is None
            and self.not_relevant_at is None
            and self.interrupted_at is None
        )


class ChecklistAnswer(BaseModel):
    stop_point = models.ForeignKey(
        StopPoint, verbose_name=_("stop point"), on_delete=models.PROTECT, related_name="answers"
    )
    item = models.ForeignKey(
        ChecklistItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="answers"
    )
    value = models.JSONField(_("answer"), null=True, blank=True)
    not_relevant_reason = models.TextField(_("why not relevant"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"))
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [
            models.UniqueConstraint(fields=["stop_point", "item"], name="answer_unique_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.key}={self.value!r}"


class PathwayEvent(BaseModel):
    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        related_name="pathway_events",
    )
    pathway = models.ForeignKey(
        Pathway,
        verbose_name=_("pathway"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    kind = models.CharField(_("event"), max_length=30, choices=EventKindChoices.choices)
    occurred_at = models.DateTimeField(_("when"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
