"""The patient's own login: a portal account for the patient, or for next of kin they authorise."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.patients.models import PatientRecord


class PortalAccount(PatientRecord):
    """A patient's own login, or an authorised next of kin's. Such a user has no staff role."""

    data_controller_from = "patient"

    class Relation(models.TextChoices):
        SELF = "self", _("The patient")
        NEXT_OF_KIN = "next_of_kin", _("Next of kin, authorised by the patient")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="portal_account",
    )
    patient = models.ForeignKey(
        "patients.Patient",
        verbose_name=_("patient"),
        on_delete=models.PROTECT,
        related_name="portal_accounts",
    )
    relation = models.CharField(
        _("relation"), max_length=20, choices=Relation.choices, default=Relation.SELF
    )
    authorised_by_patient_at = models.DateTimeField(
        _("authorised by the patient"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(relation="self") | Q(authorised_by_patient_at__isnull=False),
                name="portal_next_of_kin_needs_authorisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_relation_display()})"
