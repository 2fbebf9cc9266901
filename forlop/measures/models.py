"""Measures as data: definitions, hand-registered values and snapshots of closed periods.

A measure's numbers are never stored while a period is open: they are computed from pathway
data when read (``compute.py``). Closing a period stores a ``MeasureSnapshot`` so a later
correction of the underlying data shows up as a difference.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel


class Period(models.TextChoices):
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Boundary(models.TextChoices):
    """Which date puts a case into a period."""

    PATHWAY_START = "pathway_start", _("Pathway start")
    DEADLINE = "deadline", _("Stop-point deadline")
    DISCHARGE = "discharge", _("Discharge from hospital")
    ADMISSION = "admission", _("Admission to hospital")
    FOLLOW_UP = "follow_up", _("Follow-up scoring")
    REASSESSMENT = "reassessment", _("Reassessment done")
    REGISTERED = "registered", _("Period registered by hand")


class Computation(models.TextChoices):
    """The query that computes a measure (keys of ``compute.COMPUTATIONS``)."""

    GOALS_RECORDED = "goals_recorded", _("Goals recorded at pathway start")
    STOP_POINT_ON_TIME = "stop_point_on_time", _("Stop point done by its deadline")
    READMISSION_30_DAYS = "readmission_30_days", _("Readmitted within 30 days of discharge")
    ADMISSION_REPORT_SENT = "admission_report_sent", _("Admission report (HPH6) sent")
    ADMISSION_REPORT_ON_TIME = "admission_report_on_time", _("Admission report sent on time")
    WHAT_MATTERS_CHANGE = "what_matters_change", _("Mean change in the what-matters score")
    WHAT_MATTERS_MEANINGFUL = "what_matters_meaningful", _("Meaningful change in the score")
    MAIN_CHECKLISTS = "main_checklists", _("Patients who got enough of the main checklists")
    NURSING_HOME_90_DAYS = "nursing_home_90_days", _("Moved to a nursing home within 90 days")
    DAYS_AT_HOME = "days_at_home", _("Days at home after discharge")
    IPLOS_CHANGE = "iplos_change", _("Change in the IPLOS function score")
    MANUAL = "manual", _("Registered by hand")


class ChartKind(models.TextChoices):
    """The control chart to use on request (the run chart always comes first)."""

    P = "p", _("P chart (proportions)")
    I = "i", _("I chart (individual values, means)")  # noqa: E741 - the chart's name
    C = "c", _("C chart (counts)")


class Measure(BaseModel):
    """A measure's definition. Shipped local defaults have no organisation."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text=_("Empty for the shipped local defaults, which every organisation sees."),
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    numerator = models.TextField(_("numerator"))
    denominator = models.TextField(_("denominator"), blank=True)
    population = models.TextField(_("population and boundaries"), blank=True)
    computation = models.CharField(
        _("computation"), max_length=40, choices=Computation, default=Computation.MANUAL
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    period = models.CharField(_("period"), max_length=10, choices=Period)
    boundary = models.CharField(_("period boundary"), max_length=20, choices=Boundary)
    direction = models.CharField(_("direction of improvement"), max_length=10, choices=Direction)
    chart = models.CharField(_("control chart"), max_length=2, choices=ChartKind)
    is_proportion = models.BooleanField(_("proportion"), default=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    local_default = models.BooleanField(_("local default"), default=False)
    order = models.PositiveIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="measure_unique_code_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(organisation__isnull=True),
                name="measure_unique_default_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.computation == Computation.MANUAL


class ManualValue(BaseModel):
    """A value a team registered by hand (or imported) for one period."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="values"
    )
    period_start = models.DateField(_("period start"))
    numerator = models.FloatField(_("value"))
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    # Kept as text exactly as typed; a cell starting with = + - @ is never a formula.
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("registered value")
        verbose_name_plural = _("registered values")
        ordering = ["measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_start"], name="manual_value_unique_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.period_start}: {self.numerator}"


class ScopeLevel(models.TextChoices):
    """Where a measure is computed. ``network``: several organisations together (the scope
    itself comes from the app that keeps networks)."""

    UNIT = "unit", _("Unit")
    MUNICIPALITY = "municipality", _("Municipality")
    HOSPITAL = "hospital", _("Hospital trust")
    NETWORK = "network", _("Network")


class MeasureSnapshot(BaseModel):
    """The numbers of a closed period as they were when it was closed."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="snapshots"
    )
    level = models.CharField(_("level"), max_length=20, choices=ScopeLevel)
    scope_code = models.CharField(_("scope code"), max_length=40)
    period = models.CharField(_("period"), max_length=10, choices=Period)
    period_start = models.DateField(_("period start"))
    numerator = models.FloatField(_("numerator"))
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    as_of = models.DateTimeField(_("computed as of"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("measure snapshot")
        verbose_name_plural = _("measure snapshots")
        ordering = ["measure", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "level", "scope_code", "period", "period_start"],
                name="measure_snapshot_unique_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.level}:{self.scope_code} {self.period_start}"


class MeasureRollup(models.Model):
    """The maintained rollup's state for one computed measure (issue 16): the periods its
    cells hold, the time they are computed as of, and how far the change feed (the audit
    log) has been read. ``rollup.py`` writes it; nothing else does."""

    measure = models.OneToOneField(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rollup",
    )
    period = models.CharField(_("period"), max_length=10, choices=Period)
    first = models.DateField(_("first period"))
    last = models.DateField(_("last period"))
    # Every cell equals the live computation as of this time (rollup.py says why).
    as_of = models.DateTimeField(_("computed as of"))
    # The last audit event taken into account; later ones with a patient are changes.
    audit_seen = models.BigIntegerField(_("audit events read up to"), default=0)
    # The measure's definition the cells were computed from (its updated_at).
    definition_at = models.DateTimeField(_("definition as of"))

    class Meta:
        verbose_name = _("measure rollup")
        verbose_name_plural = _("measure rollups")

    def __str__(self) -> str:
        return f"{self.measure_id} {self.first}..{self.last} as of {self.as_of:%Y-%m-%d %H:%M}"


class MeasureCell(models.Model):
    """One cell of the rollup: a computed measure's numerator and denominator for one unit
    and one period, as the grouped pass (``compute.counts_by_pathway_field``) gives them.
    A municipality's number is the sum over its units (a pathway has one unit, a unit one
    organisation). Periods without cases have no cell. Derived data: rebuilt at will."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(
        "core.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField(_("period start"))
    numerator = models.FloatField(_("numerator"))
    # A mean of durations (days at home): the summed duration itself, so the sums of units
    # add up to the municipality's exactly (the numerator in days is rounded).
    duration = models.DurationField(_("summed duration"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"))

    class Meta:
        verbose_name = _("measure cell")
        verbose_name_plural = _("measure cells")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_start", "unit"], name="measure_cell_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.unit_id} {self.period_start}"


class MeasureCase(models.Model):
    """One pathway's own part of the rollup's cells: what the grouped pass gives for that
    pathway (its cases: the pathway, or its stop points) per period. A cell is the sum of its
    unit's case rows, so a refresh recomputes only the pathways that changed and re-sums the
    cells they leave or enter. Plain keys, not foreign keys: a row outlives a deleted pathway
    until the refresh that follows its patient's audit row removes it."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="+"
    )
    pathway_id = models.BigIntegerField(_("pathway"))
    patient_id = models.BigIntegerField(_("patient"))
    unit_id = models.BigIntegerField(_("unit"))
    period_start = models.DateField(_("period start"))
    numerator = models.FloatField(_("numerator"))
    duration = models.DurationField(_("summed duration"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"))

    class Meta:
        verbose_name = _("measure case")
        verbose_name_plural = _("measure cases")
        indexes = [
            models.Index(fields=["measure", "pathway_id"], name="measure_case_pathway"),
            models.Index(fields=["measure", "patient_id"], name="measure_case_patient"),
            models.Index(fields=["measure", "unit_id", "period_start"], name="measure_case_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.pathway_id} {self.period_start}"
