"""Improvement work: learning networks and the annotations teams put on their measure charts.

``Network`` and ``Annotation`` moved here from ``measures`` (their rows kept; see the
migrations): measures computes for a scope given as plain data, and this app supplies the
network scopes and the chart notes through ``measures.registry`` (``apps.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.measures.models import ScopeLevel


class Network(BaseModel):
    """A learning network: municipalities and hospital trusts working on pathways together."""

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    period = models.CharField(
        _("period"), max_length=60, blank=True, help_text=_("For example 2024–2026.")
    )
    members = models.ManyToManyField(
        "core.Organisation",
        verbose_name=_("members"),
        related_name="networks",
        limit_choices_to={"kind__in": ["municipality", "hospital_trust"]},
        blank=True,
    )
    coordinator = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("coordinating organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_networks",
        help_text=_("Network coordinators of this organisation see the network's aggregates."),
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Annotation(BaseModel):
    """What changed when: a marker on a measure's chart, kept with the measure and scope."""

    measure = models.ForeignKey(
        "measures.Measure",
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    level = models.CharField(_("level"), max_length=20, choices=ScopeLevel.choices)
    scope_code = models.CharField(_("scope code"), max_length=40)
    date = models.DateField(_("date"))
    text = models.CharField(_("what changed"), max_length=200)
    part_ends_here = models.BooleanField(
        _("start a new part after this period"),
        default=False,
        help_text=_("Split the chart: a new centre line from the next period on."),
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
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text}"
