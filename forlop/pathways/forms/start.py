"""Starting a pathway."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.core.models import Role, Unit, User
from forlop.pathways.forms.fields import (
    DateTimeLocalField,
    now_for_input,
)
from forlop.pathways.models import (
    Pathway,
    TemplateVersion,
)
from forlop.patients.models import Patient


class PathwayStartForm(Form):
    version = forms.ModelChoiceField(label=_("Pathway"), queryset=TemplateVersion.objects.none())
    start_reason = forms.ChoiceField(label=_("Start reason"), choices=Pathway.StartReason.choices)
    unit = forms.ModelChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    primary_contact = forms.ModelChoiceField(
        label=_("Primary contact"), queryset=User.objects.none(), required=False
    )
    started_at = DateTimeLocalField(
        label=_("Start"),
        help_text=_("For a discharge: when the hospital reported the patient ready for discharge."),
    )
    planned_discharge_at = DateTimeLocalField(
        label=_("Planned discharge"),
        required=False,
        help_text=_(
            "For a discharge: when the hospital plans to discharge the patient it reported "
            "ready for discharge (at the start). HPH0 and HPH1 fall due from it."
        ),
    )
    discharged_at = DateTimeLocalField(
        label=_("Discharged from hospital"),
        required=False,
        help_text=_("Only if the patient has already left hospital."),
    )
    arrived_home_at = DateTimeLocalField(
        label=_("Arrived home"),
        required=False,
        help_text=_("Leave empty if the patient is not home yet."),
    )
    previous = forms.ModelChoiceField(
        label=_("Follows the pathway"),
        queryset=Pathway.objects.none(),
        required=False,
        empty_label=_("None (not a readmission)"),
        help_text=_("Choose the earlier pathway when the patient was readmitted."),
    )

    def __init__(self, *args: Any, patient: Patient, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        municipality = patient.municipality
        versions = (
            TemplateVersion.objects.filter(status=TemplateVersion.Status.PUBLISHED)
            .filter(
                Q(template__organisation=municipality)
                | Q(template__organisation__isnull=True, template__national_default=True)
            )
            .select_related("template")
            .order_by("template__organisation", "template__name", "-number")
        )
        self.fields["version"].queryset = versions
        self.fields["version"].label_from_instance = lambda v: f"{v.template.name} (v{v.number})"
        units = Unit.objects.filter(organisation=municipality).select_related("organisation")
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: u.name
        self.fields["primary_contact"].queryset = User.objects.filter(
            memberships__role=Role.PRIMARY_CONTACT,
            memberships__active=True,
            memberships__unit__organisation=municipality,
        ).distinct()
        self.fields["previous"].queryset = Pathway.objects.filter(patient=patient).select_related(
            "version__template"
        )
        if not self.is_bound:
            first = versions.first()
            # The municipality's own adapted template first, then the national default.
            if first is not None:
                self.fields["version"].initial = first.pk
            serving = patient.services.filter(unit__organisation=municipality).first()
            if serving is not None:
                self.fields["unit"].initial = serving.unit_id
            if patient.primary_contact_id:
                self.fields["primary_contact"].initial = patient.primary_contact_id
            self.fields["started_at"].initial = now_for_input()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        reason = data.get("start_reason")
        started_at = data.get("started_at")
        discharged_at = data.get("discharged_at")
        arrived_home_at = data.get("arrived_home_at")
        if (
            reason == Pathway.StartReason.DISCHARGE
            and discharged_at is None
            and data.get("planned_discharge_at") is None
            and "planned_discharge_at" not in self.errors
        ):
            self.add_error(
                "planned_discharge_at",
                _("Give the planned discharge, or the discharge if the patient has left."),
            )
        if reason != Pathway.StartReason.DISCHARGE:
            data["planned_discharge_at"] = None
        if (
            reason != Pathway.StartReason.DISCHARGE
            and arrived_home_at is None
            and started_at is not None
        ):
            # A pathway that starts at home: the patient is already home (rules.PathwayAnchors).
            data["arrived_home_at"] = started_at
        if discharged_at and arrived_home_at and arrived_home_at < discharged_at:
            self.add_error("arrived_home_at", _("The patient cannot arrive home before discharge."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The arguments for services.pathway_start (and pathway_preview)."""
        data = self.cleaned_data
        return {
            "version": data["version"],
            "start_reason": data["start_reason"],
            "started_at": data["started_at"],
            "discharged_at": data.get("discharged_at"),
            "arrived_home_at": data.get("arrived_home_at"),
            "ready_for_discharge_at": (
                data["started_at"] if data.get("planned_discharge_at") is not None else None
            ),
            "planned_discharge_at": data.get("planned_discharge_at"),
        }
