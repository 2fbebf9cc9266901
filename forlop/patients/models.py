"""Patients (the UI says "bruker" in municipal services), who serves them, and hospital stays."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.models import CLINICAL_ROLES, BaseModel, Membership, User


class PatientQuerySet(models.QuerySet["Patient"]):
    def with_access(self, user: User, *, now: datetime) -> PatientQuerySet:
        """Annotate why the user may see each patient at `now` (service need, tjenstlig behov).

        `access_service`: a unit the user is a clinical member of serves the patient;
        `access_gp`: the user is the patient's GP; `access_stay`: the user's hospital ward has the
        patient in an active stay; `access_emergency`: the user holds unexpired emergency access.
        EXISTS subqueries, so rows are never duplicated.
        """
        my_units = Membership.objects.filter(
            user=user, active=True, role__in=CLINICAL_ROLES
        ).values("unit_id")
        # The service's days are Oslo days: now.date() of an aware UTC time was yesterday for
        # the first hour or two after midnight, so an ended service still gave access.
        today = timezone.localdate(now)
        serving = PatientService.objects.filter(
            patient=OuterRef("pk"), unit_id__in=my_units, started_on__lte=today
        ).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        in_stay = HospitalStay.objects.filter(
            patient=OuterRef("pk"), ward_id__in=my_units, admitted_at__lte=now
        ).filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=now))
        emergency = EmergencyAccess.objects.filter(
            patient=OuterRef("pk"), user=user, granted_at__lte=now, expires_at__gt=now
        )
        return self.annotate(
            access_service=Exists(serving),
            access_gp=Q(gp=user),
            access_stay=Exists(in_stay),
            access_emergency=Exists(emergency),
        )

    def visible_to(
        self, user: User, *, now: datetime, include_emergency: bool = True
    ) -> PatientQuerySet:
        """Patients the user has a service need for at `now` (the rule of `with_access`).

        Written as ``pk IN (the ids the rule allows)`` (``visible_patient_ids``), so the plan
        starts from the user's units and stays the same size however many patients the
        database holds. For reads of one patient that need to know *why* it is visible, use
        ``accessible_to`` (the same rows, annotated).
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(
            pk__in=visible_patient_ids(user, now=now, include_emergency=include_emergency)
        )

    def accessible_to(
        self, user: User, *, now: datetime, include_emergency: bool = True
    ) -> PatientQuerySet:
        """The rows of ``visible_to``, annotated by ``with_access`` with why each is visible.

        One EXISTS per reason per row: meant for a single patient (filter by pk first), not
        for lists.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        rule = Q(access_service=True) | Q(access_gp=True) | Q(access_stay=True)
        if include_emergency:
            rule |= Q(access_emergency=True)
        return self.with_access(user, now=now).filter(rule)


def visible_patient_ids(
    user: User, *, now: datetime, include_emergency: bool = True
) -> models.QuerySet[Any]:
    """The ids of the patients the user has a service need for at `now`: one UNION of the four
    reasons (served by a unit the user is a clinical member of; the user is the GP; an active
    stay on the user's ward; unexpired emergency access). A subquery, for ``pk__in`` or
    ``patient_id__in``; each part starts from the user's memberships or the user."""
    if not user.is_authenticated or not user.is_active:
        return Patient.objects.none().values("pk")
    today = timezone.localdate(now)
    my_units = Membership.objects.filter(user=user, active=True, role__in=CLINICAL_ROLES).values(
        "unit_id"
    )
    serving = (
        PatientService.objects.filter(unit_id__in=my_units, started_on__lte=today)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .values("patient_id")
        .order_by()
    )
    gp = Patient.objects.filter(gp=user).values("pk").order_by()
    in_stay = (
        HospitalStay.objects.filter(ward_id__in=my_units, admitted_at__lte=now)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=now))
        .values("patient_id")
        .order_by()
    )
    parts = [gp, in_stay]
    if include_emergency:
        parts.append(
            EmergencyAccess.objects.filter(user=user, granted_at__lte=now, expires_at__gt=now)
            .values("patient_id")
            .order_by()
        )
    return serving.union(*parts, all=True)


class Patient(BaseModel):
    class IdKind(models.TextChoices):
        FNR = "fnr", _("National identity number")
        DNR = "dnr", _("D-number")
        HNR = "hnr", _("H-number")
        FHN = "fhn", _("FH-number")

    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    # Never shown in URLs, logs or error pages; shown masked except on the patient page.
    # Unique per data controller (the municipality), not across the installation: a second
    # municipality registering the same person gets its own record and learns nothing of the first.
    identity_number = models.CharField(_("identity number"), max_length=11)
    id_kind = models.CharField(_("kind of number"), max_length=3, choices=IdKind.choices)
    synthetic = models.BooleanField(_("synthetic test number"), default=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    municipality = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,  # clinical record: never cascade from organisation changes
        related_name="residents",
        limit_choices_to={"kind": "municipality"},
    )
    gp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("GP"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gp_patients",
    )
    primary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("primary contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_patients",
    )
    deceased_at = models.DateTimeField(_("died"), null=True, blank=True)
    panel_version = models.PositiveBigIntegerField(
        _("panel version"),
        default=0,
        # A database default too: the generator's COPY and bulk inserts leave the column out.
        db_default=0,
        editable=False,
        help_text=_(
            "Counts the changes to what the patient panels show (the goals header); keys "
            "their cache."
        ),
    )
    """Raised by ``bump_panel_version`` in the transaction of every change to what a patient
    panel shows (``goals.signals``), so a panel cached under an older number is never shown
    again (``goals.selectors.goals_headers_for``)."""

    objects: ClassVar[PatientQuerySet] = PatientQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["family_name", "given_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "identity_number"],
                name="patient_identity_number_unique_per_municipality",
            )
        ]
        indexes = [models.Index(fields=["identity_number"], name="patient_identity_number")]

    def __str__(self) -> str:
        # Name only: __str__ ends up in logs and admin messages.
        return f"{self.given_name} {self.family_name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # ``panel_version`` is raised in the database only (``bump_panel_version``): saving a
        # patient read before a goal changed must not write the older number back, which
        # would make the goals header cached under it current again.
        if (
            not self._state.adding
            and not kwargs.get("force_insert")
            and kwargs.get("update_fields") is None
        ):
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.attname != "panel_version"
                and field.attname not in deferred
            ]
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def identity_number_grouped(self) -> str:
        """The number as it is read aloud and printed: birth date, then the personal number
        ("070552 40275")."""
        number = self.identity_number
        return f"{number[:6]} {number[6:]}" if len(number) == 11 else number

    @property
    def masked_identity_number(self) -> str:
        return f"{self.identity_number[:6]} *****"


def bump_panel_version(patient_id: int) -> None:
    """Mark what the patient's panels show as changed (``Patient.panel_version``): one UPDATE,
    in the caller's transaction, so the new number is seen together with the change."""
    Patient.objects.filter(pk=patient_id).update(panel_version=F("panel_version") + 1)


class DataControllerField(models.ForeignKey["Organisation", "Organisation"]):
    """The data controller of a row of a patient's record: the municipality that holds it.

    Filled when the row is first written, from the row it belongs to (the model's
    ``data_controller_from``: its patient, pathway, stop point, goal or scoring), as
    ``auto_now_add`` fills a time: ``save()``, ``create()`` and ``bulk_create()`` all call
    ``pre_save``. A value already set is kept, and so is the stored one: a record stays with
    the controller that recorded it (docs/security.md, *Data controllers*). Reading the parent
    costs no query when the parent object is at hand (``pathway=pathway``); a row given only
    its parent's id (``pathway_id=...``) loads the parent once, so bulk writers pass objects
    or set ``municipality`` themselves. Writers that bypass ``pre_save`` (raw SQL, COPY) set
    it too.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if getattr(model_instance, self.attname) is None:
            source: str = model_instance.data_controller_from  # type: ignore[attr-defined]
            parent = getattr(model_instance, source)
            setattr(model_instance, self.attname, parent.municipality_id)
        return super().pre_save(model_instance, add)

    def deconstruct(self) -> Any:
        # A plain foreign key in migrations: the filling is behaviour, not schema, and
        # migrations stay independent of this module.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs


class PatientRecord(BaseModel):
    """A table of patient data other than the patient row itself: it carries its data
    controller (``municipality``, the shard key of docs/scaling.md, *Sharding by
    municipality*), equal to that of the row it belongs to and so to the patient's.

    Each concrete model names that row in ``data_controller_from``.
    """

    data_controller_from: ClassVar[str]

    municipality = DataControllerField(
        "core.Organisation",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,  # clinical record: never cascade from organisation changes
        related_name="+",
        # Filled from the parent row (above), never in a form; NOT NULL in the database.
        blank=True,
        editable=False,
        # Rows are read through their patient, pathway or stop point, not by municipality:
        # indexed only where a municipality's rows are read (Pathway.Meta), not on every
        # table (docs/scaling.md).
        db_index=False,
    )

    class Meta:
        abstract = True


class NextOfKin(PatientRecord):
    data_controller_from = "patient"

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.CASCADE, related_name="next_of_kin"
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary next of kin"), default=False)

    class Meta:
        verbose_name = _("next of kin")
        verbose_name_plural = _("next of kin")
        ordering = ["-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class PatientService(PatientRecord):
    """A unit serving a patient over a period: the basis of service need for its staff."""

    data_controller_from = "patient"

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="services"
    )
    unit = models.ForeignKey(
        "core.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="patient_services",
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="patient_service_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.started_on}–{self.ended_on or ''}"


class HospitalStay(PatientRecord):
    data_controller_from = "patient"

    patient = models.ForeignKey(
        Patient, verbose_name=_("patient"), on_delete=models.PROTECT, related_name="stays"
    )
    ward = models.ForeignKey(
        "core.Unit", verbose_name=_("ward"), on_delete=models.PROTECT, related_name="stays"
    )
    admitted_at = models.DateTimeField(_("admitted"))
    ready_for_discharge_at = models.DateTimeField(_("ready for discharge"), null=True, blank=True)
    discharged_at = models.DateTimeField(_("discharged"), null=True, blank=True)

    class Meta:
        verbose_name = _("hospital stay")
        verbose_name_plural = _("hospital stays")
        ordering = ["-admitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(discharged_at__isnull=True)
                | Q(discharged_at__gte=models.F("admitted_at")),
                name="stay_discharged_after_admitted",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ward.name} {self.admitted_at:%Y-%m-%d}"


class EmergencyAccess(BaseModel):
    """Emergency access (nødtilgang): time-limited, with a reason (a category and a text), within
    one data controller, and reviewed by a leader or administrator of that data controller who is
    not the taker. Unreviewed grants older than FORLOP_EMERGENCY_REVIEW_HOURS are escalated."""

    class Category(models.TextChoices):
        ACUTE_CARE = "acute_care", _("Acute care: the patient needs help now")
        CALL_FROM_EMERGENCY = (
            "call_from_emergency",
            _("Request from the out-of-hours service, the emergency unit or an ambulance"),
        )
        COVERING = "covering", _("Covering for a colleague; the service is not registered yet")
        OTHER = "other", _("Other (explain below)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    patient = models.ForeignKey(
        Patient,
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    # Blank only on grants taken before categories existed; every new grant has one.
    reason_category = models.CharField(
        _("kind of reason"), max_length=30, choices=Category.choices, blank=True
    )
    reason = models.TextField(_("reason"))
    # The municipality or hospital trust whose record was opened: its leaders review the grant.
    # Null only on grants taken before data-controller boundaries (backfilled by migration).
    data_controller = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("data controller"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="emergency_accesses",
    )
    granted_at = models.DateTimeField(_("granted"))
    expires_at = models.DateTimeField(_("expires"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("granted_at")),
                name="emergency_expires_after_grant",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="emergency_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.patient} ({self.granted_at:%Y-%m-%d %H:%M})"
