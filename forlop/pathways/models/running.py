"""Running pathways: the pathway, its stop-point instances, checklist answers and events.

Statuses are never stored: they are derived when read from the stored times
(``rules.stop_point_status``), so nothing goes stale.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.pathways.models.choices import EventKindChoices, ShortStayKind, TimeKindChoices
from forlop.pathways.models.templates import ChecklistItem, StopPointDefinition, TemplateVersion
from forlop.patients.models import PatientRecord


class Pathway(PatientRecord):
    data_controller_from = "patient"

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
    # The pathway's own timeline (``timeline.TimeKind``); corrections are kept as
    # ``PathwayTimeChange`` rows and these fields hold the current values.
    ready_for_discharge_at = models.DateTimeField(
        _("reported ready for discharge"), null=True, blank=True
    )
    planned_discharge_at = models.DateTimeField(_("planned discharge"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)
    short_stay_kind = models.CharField(
        _("short-term or intermediate stay"),
        max_length=20,
        choices=ShortStayKind.choices,
        blank=True,
    )
    short_stay_started_at = models.DateTimeField(_("short stay from"), null=True, blank=True)
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
        indexes = [
            models.Index(fields=["patient", "-started_at"], name="pathway_patient_started"),
            # The work list: a user's patients' running pathways (a small share of all).
            # Covering (PostgreSQL; SQLite has no INCLUDE and ignores it): the id and the unit
            # come from the index alone, so the plan looks each visible patient up in it
            # (2,000 index-only probes, flat with the database's size) instead of reading
            # every running pathway's row (at 40k patients 9.3 -> 5.4 ms, median of 15).
            models.Index(
                fields=["patient"],
                include=["id", "unit"],
                name="pathway_running_patient",
                condition=Q(ended_at=None),
            ),
            # A municipality's pathways in a window (its measures, an export, a move to its
            # own shard): the data controller's cases without a join through the patient.
            models.Index(fields=["municipality", "started_at"], name="pathway_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.version.template.name} {self.started_at:%Y-%m-%d}"

    @property
    def in_hospital(self) -> bool:
        """Reported ready for discharge and not discharged yet."""
        return self.ready_for_discharge_at is not None and self.discharged_at is None

    @property
    def in_short_stay(self) -> bool:
        return self.short_stay_started_at is not None and self.arrived_home_at is None


class PathwayTimeChange(PatientRecord):
    """One registration or correction of a time on a pathway's timeline, with what it moved.

    Kept for good: the pathway page shows the history, and every row has its audit row too.
    """

    data_controller_from = "pathway"

    class Action(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        MOVED = "moved", _("Moved")
        CORRECTED = "corrected", _("Corrected")

    pathway = models.ForeignKey(
        Pathway,
        verbose_name=_("pathway"),
        on_delete=models.PROTECT,  # clinical record
        related_name="time_changes",
    )
    kind = models.CharField(_("time"), max_length=30, choices=TimeKindChoices.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    old_value = models.DateTimeField(_("before"), null=True, blank=True)
    new_value = models.DateTimeField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("when"))
    moved = models.JSONField(
        _("deadlines moved"),
        default=list,
        blank=True,
        help_text=_("The stop points whose deadline the change moved: code, before, after."),
    )

    class Meta:
        verbose_name = _("change of a pathway time")
        verbose_name_plural = _("changes of pathway times")
        ordering = ["pathway", "changed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="corrected") | ~Q(reason=""),
                name="pathway_time_correction_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_action_display()}"


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


class StopPoint(PatientRecord):
    """One instance of a stop point in a running pathway. Its status is derived, never stored."""

    data_controller_from = "pathway"

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
    completed_at = models.DateTimeField(
        _("completed"),
        null=True,
        blank=True,
        help_text=_("When the last part was signed: the stop point is done."),
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_signed_at = models.DateTimeField(
        _("owner's part signed"),
        null=True,
        blank=True,
        help_text=_("The owner's part; with no other parts this is the completion."),
    )
    owner_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner's part signed by"),
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
            ),
            # The work list and its badge: the open stop points of given pathways, by deadline.
            # Partial, so it holds only what is open (a few per cent of all stop points).
            models.Index(
                fields=["pathway", "ends_at"],
                name="stop_point_open_pathway",
                condition=Q(completed_at=None, not_relevant_at=None, interrupted_at=None),
            ),
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


class StopPointPart(PatientRecord):
    """A part of a stop point instance that another role completes (``definition.parts``).

    HPH3: home care (the owner) books the GP visit and sends the information; the GP's part
    records the visit and the medication review, and may be signed from the GP's own system.
    The stop point is done when the owner's part and every part are signed.
    """

    data_controller_from = "stop_point"

    stop_point = models.ForeignKey(
        StopPoint,
        verbose_name=_("stop point"),
        on_delete=models.PROTECT,
        related_name="parts",
    )
    role = models.CharField(_("role"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_stop_point_parts",
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("stop point part")
        verbose_name_plural = _("stop point parts")
        ordering = ["stop_point", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["stop_point", "role"], name="stop_point_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.stop_point_id} {self.role}"


class ChecklistAnswer(PatientRecord):
    data_controller_from = "stop_point"

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


class PathwayEvent(PatientRecord):
    data_controller_from = "patient"

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
    # A correction keeps the row (the audit log holds what it was): the latest reason, and
    # when an event recorded in error was withdrawn.
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn as recorded in error"), null=True, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-pk"]
        # Readmissions: a patient's admissions after a discharge (the measures' subquery).
        indexes = [
            models.Index(
                fields=["patient", "kind", "occurred_at"], name="pathway_event_patient_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d %H:%M}"
