"""Networks, their gatherings (and the national events), materials and chart annotations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from forlop.core.models import BaseModel
from forlop.measures.models import ScopeLevel


class Network(BaseModel):
    """A regional learning network: municipalities (or city districts) and their hospital
    trust, anchored in the health community, guided by a development centre or KS/FHI."""

    class Programme(models.TextChoices):
        ELDERLY = "elderly", _("Elderly and chronically ill")
        MENTAL_HEALTH = "mental_health", _("Mental health and substance use")

    name = models.CharField(_("name"), max_length=200)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    programme = models.CharField(
        _("programme"), max_length=20, choices=Programme.choices, default=Programme.ELDERLY
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    health_community = models.CharField(
        _("health community"),
        max_length=200,
        blank=True,
        help_text=_("The helsefellesskap the network is anchored in."),
    )
    hospital_trust = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("hospital trust"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "hospital_trust"},
    )
    starts_on = models.DateField(
        _("starts"),
        help_text=_("The start of the preparation, about three months before gathering 1."),
    )
    ends_on = models.DateField(_("ends"), help_text=_("Gathering 4 at the latest."))
    members = models.ManyToManyField(
        "core.Organisation",
        verbose_name=_("participating organisations"),
        related_name="networks",
        limit_choices_to={"kind__in": ["municipality", "hospital_trust"]},
        blank=True,
    )
    coordinator = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("guiding organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_networks",
        help_text=_(
            "The development centre (USHT) or KS/FHI. Its network coordinators manage the "
            "network and see its aggregates."
        ),
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        related_name="+",
        blank=True,
        help_text=_("The people to contact; they hold the network coordinator role."),
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="network_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def period_label(self) -> str:
        if self.starts_on.year == self.ends_on.year:
            return str(self.starts_on.year)
        return f"{self.starts_on.year}–{self.ends_on.year}"


class Gathering(BaseModel):
    """One of the network's four gatherings, its regional experience gathering, or a national
    event (no network): the experience conference and "Hva er viktig for deg?"-dagen."""

    class Kind(models.TextChoices):
        GATHERING = "gathering", _("Network gathering")
        EXPERIENCE = "experience", _("Regional experience gathering")
        CONFERENCE = "conference", _("National experience conference")
        WHAT_MATTERS_DAY = "what_matters_day", _("“Hva er viktig for deg?” day")
        OTHER = "other", _("Other gathering (for example a measurement workshop)")

    network = models.ForeignKey(
        Network,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gatherings",
        help_text=_("Empty for national events."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online = models.BooleanField(_("online"), default=False)
    themes = models.TextField(_("themes"), blank=True, help_text=_("One theme per line."))
    invites_team = models.BooleanField(_("the improvement teams"), default=True)
    invites_leaders = models.BooleanField(_("the teams' leaders"), default=False)
    invites_top_leaders = models.BooleanField(
        _("top leaders (kommunalsjef, klinikksjef)"), default=False
    )

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "number"],
                condition=Q(kind="gathering"),
                name="gathering_unique_number_per_network",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="gathering", number__gte=1, number__lte=4, network__isnull=False)
                    | (~Q(kind="gathering") & Q(number__isnull=True))
                ),
                name="gathering_number_only_for_the_four",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="gathering_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.GATHERING:
            return str(_("Gathering %(number)d") % {"number": self.number})
        return self.title or str(self.get_kind_display())


class Material(BaseModel):
    """A presentation or a link shared after a gathering (the e-mail after each gathering)."""

    gathering = models.ForeignKey(
        Gathering, verbose_name=_("gathering"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    # Presentations are kept in the database with the rest (backups cover them; no file server).
    content = models.BinaryField(_("file"), null=True, blank=True, editable=False)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["gathering", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(file_name=""), name="material_link_or_file"
            )
        ]

    def __str__(self) -> str:
        return self.title


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
