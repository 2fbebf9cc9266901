"""Forms: validate at the edge, then call a service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form, NorwegianDateField
from forlop.core.identifiers import IdentityNumberError, parse_identity_number
from forlop.core.models import Membership, Organisation, Role, Unit, User
from forlop.core.selectors import units_for_registration
from forlop.core.validation import INT32_MAX
from forlop.patients.models import EmergencyAccess
from forlop.patients.services import MIN_EMERGENCY_REASON


class IdentityNumberField(forms.CharField):
    """Accepts 11 digits with optional spaces; the error never repeats the number."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Identity number"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "help_text", _("Fødselsnummer, D-number, H-number or FH-number: 11 digits.")
        )
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        try:
            return parse_identity_number(value).value
        except IdentityNumberError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


class PatientCreateForm(Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    identity_number = IdentityNumberField()
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{4}$",
        max_length=4,
        required=False,
        error_messages={"invalid": _("A postal code has four digits.")},
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    serving_unit = forms.ModelChoiceField(label=_("Serving unit"), queryset=Unit.objects.none())
    service_start = NorwegianDateField(label=_("Services from"))
    gp = forms.ModelChoiceField(label=_("GP"), queryset=User.objects.none(), required=False)
    next_of_kin_name = forms.CharField(label=_("Next of kin"), max_length=200, required=False)
    next_of_kin_relation = forms.CharField(label=_("Relation"), max_length=100, required=False)
    next_of_kin_phone = forms.CharField(
        label=_("Next of kin's phone"), max_length=30, required=False
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units: QuerySet[Unit] = units_for_registration(user=actor)
        self._serving_units = units
        self.fields["serving_unit"].queryset = units  # type: ignore[attr-defined]  # a ModelChoiceField
        municipalities = Organisation.objects.filter(units__in=units)
        self.fields["gp"].queryset = User.objects.filter(
            memberships__role=Role.GP,
            memberships__active=True,
            memberships__unit__organisation__municipality__in=municipalities,
        ).distinct()
        # The primary contact works in the serving unit: offered grouped by unit.
        contacts = (
            Membership.objects.filter(role=Role.PRIMARY_CONTACT, active=True, unit__in=units)
            .select_related("user", "unit")
            .order_by("unit__name", "user__first_name", "user__last_name")
        )
        groups: dict[str, list[tuple[int, str]]] = {}
        self._contacts: dict[int, tuple[User, set[int]]] = {}
        for membership in contacts:
            groups.setdefault(membership.unit.name, []).append(
                (membership.user_id, str(membership.user))
            )
            _user, unit_ids = self._contacts.setdefault(
                membership.user_id, (membership.user, set())
            )
            unit_ids.add(membership.unit_id)
        self.fields["primary_contact"] = forms.TypedChoiceField(
            label=_("Primary contact"),
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "---------"), *groups.items()],
            help_text=_("A primary contact of the serving unit."),
        )
        self.style_field("primary_contact", self.fields["primary_contact"])
        if units.count() == 1:
            self.fields["serving_unit"].initial = units.first()
        self.fields["service_start"].initial = timezone.localdate()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        contact_id = data.get("primary_contact")
        unit = data.get("serving_unit")
        if contact_id is None:
            data["primary_contact"] = None
            return data
        user, unit_ids = self._contacts[contact_id]
        if unit is not None and unit.pk not in unit_ids:
            self.add_error(
                "primary_contact",
                _("Choose a primary contact who works in %(unit)s.") % {"unit": unit.name},
            )
        data["primary_contact"] = user
        return data

    def serving_units(self) -> QuerySet[Unit]:
        """The units the actor may register a patient to (``units_for_registration``)."""
        return self._serving_units


class PatientUpdateForm(Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100)
    identity_number = IdentityNumberField(
        help_text=_("Change only to correct the number, or to replace an H- or FH-number.")
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.RegexField(
        label=_("Postal code"),
        regex=r"^\d{4}$",
        max_length=4,
        required=False,
        error_messages={"invalid": _("A postal code has four digits.")},
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    gp = forms.ModelChoiceField(label=_("GP"), queryset=User.objects.none(), required=False)
    primary_contact = forms.ModelChoiceField(
        label=_("Primary contact"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, patient: Any, **kwargs: Any) -> None:
        initial = {name: getattr(patient, name) for name in self.base_fields}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["gp"].queryset = User.objects.filter(
            memberships__role=Role.GP,
            memberships__active=True,
            memberships__unit__organisation__municipality=patient.municipality,
        ).distinct()
        self.fields["primary_contact"].queryset = User.objects.filter(
            memberships__role=Role.PRIMARY_CONTACT,
            memberships__active=True,
            memberships__unit__organisation=patient.municipality,
        ).distinct()


class ServiceAddForm(Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    started_on = NorwegianDateField(label=_("From"))

    def __init__(self, *args: Any, patient: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(
            organisation=patient.municipality
        ).exclude(kind=Unit.Kind.ADMINISTRATION)
        self.fields["started_on"].initial = timezone.localdate()


class ServiceEndForm(Form):
    ended_on = NorwegianDateField(label=_("To"))


class NextOfKinForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(label=_("Relation"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    is_primary = forms.BooleanField(label=_("Primary next of kin"), required=False)


class IdentityLookupForm(Form):
    identity_number = IdentityNumberField()


class EmergencyAccessForm(Form):
    identity_number = IdentityNumberField(widget=forms.HiddenInput)
    reason_category = forms.ChoiceField(
        label=_("Why do you need access now?"),
        choices=EmergencyAccess.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you need access.")},
    )
    reason = forms.CharField(
        label=_("Describe the situation"),
        min_length=MIN_EMERGENCY_REASON,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Your reason is logged and reviewed by a leader of the municipality or hospital "
            "trust whose record you open."
        ),
    )


class EmergencyReviewForm(Form):
    note = forms.CharField(
        label=_("Review note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AuditFilterForm(Form):
    actor = forms.ModelChoiceField(label=_("Who"), queryset=User.objects.none(), required=False)
    patient = forms.IntegerField(
        label=_("Patient number (internal)"), required=False, min_value=1, max_value=INT32_MAX
    )
    verb = forms.ChoiceField(label=_("What"), required=False)
    date_from = NorwegianDateField(label=_("From"), required=False)
    date_to = NorwegianDateField(label=_("To"), required=False)
    emergency_only = forms.BooleanField(label=_("Only emergency access"), required=False)

    def __init__(self, *args: Any, actors: QuerySet[User], **kwargs: Any) -> None:
        from forlop.core.models import AuditVerb

        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["verb"].choices = [("", _("All")), *AuditVerb.choices]
