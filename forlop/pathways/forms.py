"""Forms of the pathway pages: validate at the edge, then call a service."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form, NorwegianDateField, NorwegianDateTimeField
from forlop.core.models import Organisation, Role, Unit, User
from forlop.core.validation import INT32_MAX
from forlop.pathways.checklists import AnswerError, clean_number, parse_choices
from forlop.pathways.models import (
    ChecklistAnswer,
    ChecklistItem,
    EventKindChoices,
    Pathway,
    ShortStayKind,
    TemplateVersion,
    TimeKindChoices,
)
from forlop.pathways.selectors.adherence import STATUSES as ADHERENCE_STATUSES
from forlop.patients.models import Patient


class DateTimeLocalField(NorwegianDateTimeField):
    """A local wall time, typed the Norwegian way whatever the browser's language
    (``core.forms``; the ISO form a datetime-local input sent is still accepted). In the hour
    that repeats when summer time ends (02:00-03:00 on the last Sunday of October in Oslo) a
    wall time means two instants and Django refuses it, so for that hour a nurse could not save
    even the form's own "now": the earlier instant is taken. A wall time that the spring change
    skips is still refused."""

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str):
            zone = timezone.get_current_timezone()
            for fmt in self.input_formats:
                try:
                    wall = datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 - zone added below
                except ValueError:
                    continue
                first, second = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
                repeated = first.utcoffset() != second.utcoffset() and (
                    first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall
                )
                if repeated:  # as UTC: a time in the repeated hour never == another zone's
                    return self.plausible(first.astimezone(UTC))
                break
        return super().to_python(value)


def now_for_input() -> datetime:
    """Now, in the current time zone, without seconds: the default of a datetime-local input."""
    return timezone.localtime().replace(second=0, microsecond=0)


# --------------------------------------------------------------------------------------------
# Work list
# --------------------------------------------------------------------------------------------


class WorkListFilterForm(Form):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All my units")
    )
    mine = forms.BooleanField(label=_("Only stop points assigned to me"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PrintDayForm(Form):
    """The printed day: the user's own list (as on the screen) unless a unit is chosen."""

    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("My list")
    )
    mine = forms.BooleanField(label=_("Only stop points assigned to me"), required=False)
    date = NorwegianDateField(label=_("Date"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


# --------------------------------------------------------------------------------------------
# Starting a pathway
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# The pathway's timeline: one form per action (``services.timeline``)
# --------------------------------------------------------------------------------------------


class TimeForm(Form):
    """A timeline action's form. Each has its own prefix, so several share one page."""

    action: str = ""

    def __init__(self, *args: Any, pathway: Pathway, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.pathway = pathway
        if not self.is_bound:
            self.set_initial()

    def set_initial(self) -> None:
        if "at" in self.fields:
            self.fields["at"].initial = now_for_input()


class ReadyForDischargeForm(TimeForm):
    action = "ready"
    at = DateTimeLocalField(label=_("Reported ready for discharge"))
    planned_discharge_at = DateTimeLocalField(
        label=_("Planned discharge"),
        help_text=_("HPH0 and HPH1 fall due from the planned discharge."),
    )


class PlannedDischargeForm(TimeForm):
    action = "planned"
    planned_discharge_at = DateTimeLocalField(label=_("New planned discharge"))
    reason = forms.CharField(label=_("Why (optional)"), max_length=1000, required=False)

    def set_initial(self) -> None:
        planned = self.pathway.planned_discharge_at
        if planned is not None:
            self.fields["planned_discharge_at"].initial = timezone.localtime(planned).replace(
                second=0, microsecond=0
            )


class DischargeForm(TimeForm):
    action = "discharge"
    at = DateTimeLocalField(label=_("Discharged from hospital"))
    destination = forms.ChoiceField(
        label=_("Discharged to"),
        choices=[("", _("Home")), *ShortStayKind.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("After a short stay, register the arrival home when the patient is home."),
    )

    def set_initial(self) -> None:
        self.fields["at"].initial = now_for_input()
        self.fields["destination"].initial = ""


class ShortStayForm(TimeForm):
    action = "short-stay"
    kind = forms.ChoiceField(label=_("Kind of stay"), choices=ShortStayKind.choices)
    at = DateTimeLocalField(label=_("From"))

    def set_initial(self) -> None:
        discharged = self.pathway.discharged_at
        self.fields["at"].initial = (
            timezone.localtime(discharged).replace(second=0, microsecond=0)
            if discharged is not None
            else now_for_input()
        )


class ArrivalHomeForm(TimeForm):
    action = "arrival"
    at = DateTimeLocalField(
        label=_("Arrived home"),
        help_text=_("The nurse's assessment (HPH2) falls due three days after the arrival home."),
    )


class TimeCorrectionForm(TimeForm):
    action = "correct"
    kind = forms.ChoiceField(label=_("Time to correct"), choices=TimeKindChoices.choices)
    at = DateTimeLocalField(label=_("Correct time"))
    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write why the time is corrected.")},
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds


TIME_FORMS: dict[str, type[TimeForm]] = {
    form.action: form
    for form in (
        ReadyForDischargeForm,
        PlannedDischargeForm,
        DischargeForm,
        ShortStayForm,
        ArrivalHomeForm,
        TimeCorrectionForm,
    )
}


# --------------------------------------------------------------------------------------------
# Checklist
# --------------------------------------------------------------------------------------------

YES = "yes"
NO = "no"
NOT_RELEVANT = "not_relevant"


class NumberAnswerField(forms.CharField):
    """A number as Norwegians write it ("71,5", "1 200"), read on the server.

    Not ``type=number``: Chromium reads "71,5" in such an input by the browser's language (as
    715 in English), and shows a stored 71.5 with a point. A text input with the decimal
    keyboard shows the value in the page's language and sends what was typed.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 40})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return formats.localize_input(value)
        return value

    def to_python(self, value: Any) -> int | float | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return clean_number(text)
        except AnswerError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc


def item_choices(item: ChecklistItem) -> list[tuple[str, str]]:
    """An item's choices as (value, label) for a form field."""
    return [(c.value, c.label) for c in parse_choices(item.choices)]


class ChecklistAnswerForm(Form):
    """One checklist item's answer, posted on every change (one form per item row).

    The revision of the item's answer travels beside it, unprefixed (``AnswerRevisionForm``).
    Yes/no items have a single radio group: yes, no, not relevant. Other kinds have their
    input and a "not relevant" switch. "Not relevant" needs a reason.
    """

    not_relevant = forms.BooleanField(label=_("Not relevant"), required=False)
    not_relevant_reason = forms.CharField(
        label=_("Why is it not relevant?"), max_length=1000, required=False
    )

    def __init__(
        self,
        *args: Any,
        item: ChecklistItem,
        answer: ChecklistAnswer | None = None,
        **kwargs: Any,
    ) -> None:
        self.item = item
        prefix = f"item-{item.pk}"
        initial: dict[str, Any] = {}
        if answer is not None:
            initial.update(self.initial_from_answer(item, answer))
        super().__init__(*args, prefix=prefix, initial=initial, **kwargs)
        self.fields["value"] = self.value_field(item)
        self.style_field("value", self.fields["value"])
        self.order_fields(["value", "not_relevant", "not_relevant_reason"])
        if item.kind == ChecklistItem.Kind.YES_NO or not item.allow_not_relevant:
            del self.fields["not_relevant"]
        if not item.allow_not_relevant:
            del self.fields["not_relevant_reason"]
        reason = self.fields.get("not_relevant_reason")
        if reason is not None:
            reason.widget.attrs["autocomplete"] = "off"

    @staticmethod
    def value_field(item: ChecklistItem) -> forms.Field:
        kind = item.kind
        label = item.text
        if kind == ChecklistItem.Kind.YES_NO:
            choices = [(YES, _("Yes")), (NO, _("No"))]
            if item.allow_not_relevant:
                choices.append((NOT_RELEVANT, _("Not relevant")))
            return forms.ChoiceField(
                label=label, choices=choices, required=False, widget=forms.RadioSelect
            )
        if kind == ChecklistItem.Kind.NUMBER:
            return NumberAnswerField(label=label, required=False)
        if kind == ChecklistItem.Kind.SINGLE_CHOICE:
            return forms.ChoiceField(
                label=label, choices=item_choices(item), required=False, widget=forms.RadioSelect
            )
        if kind == ChecklistItem.Kind.MULTIPLE_CHOICE:
            return forms.MultipleChoiceField(
                label=label,
                choices=item_choices(item),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        if kind == ChecklistItem.Kind.DATE:
            return NorwegianDateField(label=label, required=False)
        if kind == ChecklistItem.Kind.WHAT_MATTERS:
            return forms.CharField(
                label=label,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        return forms.CharField(label=label, required=False, max_length=2000)

    @staticmethod
    def initial_from_answer(item: ChecklistItem, answer: ChecklistAnswer) -> dict[str, Any]:
        value = answer.value
        not_relevant = bool(answer.not_relevant_reason) and value is None
        initial: dict[str, Any] = {"not_relevant_reason": answer.not_relevant_reason}
        if item.kind == ChecklistItem.Kind.YES_NO:
            if not_relevant:
                initial["value"] = NOT_RELEVANT
            elif value is True:
                initial["value"] = YES
            elif value is False:
                initial["value"] = NO
        else:
            initial["not_relevant"] = not_relevant
            if item.kind == ChecklistItem.Kind.DATE and isinstance(value, str):
                with contextlib.suppress(ValueError):  # stored as ISO, shown as 24.11.2026
                    value = date.fromisoformat(value)
            initial["value"] = value
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        raw = data.get("value")
        not_relevant = (
            raw == NOT_RELEVANT
            if self.item.kind == ChecklistItem.Kind.YES_NO
            else bool(data.get("not_relevant"))
        )
        reason = (data.get("not_relevant_reason") or "").strip()
        data["is_not_relevant"] = not_relevant
        if not_relevant:
            if not self.item.allow_not_relevant:
                raise forms.ValidationError(
                    _("This item cannot be marked not relevant."), code="not_relevant_forbidden"
                )
            if not reason:
                self.add_error(
                    "not_relevant_reason" if "not_relevant_reason" in self.fields else None,
                    forms.ValidationError(
                        _("Write why the item is not relevant."), code="reason_required"
                    ),
                )
        data["not_relevant_reason"] = reason if not_relevant else ""
        return data

    def answer_value(self) -> Any:
        """The JSON value to store (None when not relevant or left empty)."""
        data = self.cleaned_data
        if data["is_not_relevant"]:
            return None
        raw = data.get("value")
        if raw in (None, "", []):
            return None
        if self.item.kind == ChecklistItem.Kind.YES_NO:
            return raw == YES
        if isinstance(raw, Decimal):
            return int(raw) if raw == raw.to_integral_value() else float(raw)
        if isinstance(raw, date):
            return raw.isoformat()
        return raw


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RevisionForm(Form):
    """The stop point's revision when the page was loaded: signing is checked against it."""

    expected_revision = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, max_value=INT32_MAX
    )


class AnswerRevisionForm(Form):
    """The revision of one item's answer when it was loaded (0: unanswered): a save is
    checked per item, so only a change to the same item conflicts."""

    answer_revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AssignForm(Form):
    assignee = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            memberships__unit__in=units, memberships__active=True
        ).distinct()


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


class EventRecordForm(Form):
    kind = forms.ChoiceField(
        label=_("What happened"), choices=EventKindChoices.choices, widget=forms.RadioSelect
    )
    occurred_at = DateTimeLocalField(label=_("When"))
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For an admission: the hospital ward."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_end = forms.BooleanField(
        label=_(
            "I confirm: this ends the patient's running pathways and closes their open stop points."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Unit.objects.filter(
            kind=Unit.Kind.HOSPITAL_WARD,
            organisation__kind=Organisation.Kind.HOSPITAL_TRUST,
        ).select_related("organisation")
        if not self.is_bound:
            self.fields["occurred_at"].initial = now_for_input()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        occurred_at = data.get("occurred_at")
        if occurred_at is not None and occurred_at > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_at", _("The time cannot be in the future."))
        if data.get("kind") == EventKindChoices.ADMISSION and data.get("ward") is None:
            self.add_error("ward", _("Choose the ward the patient was admitted to."))
        if data.get("kind") in ENDING_EVENTS and not data.get("confirm_end"):
            self.add_error(
                "confirm_end",
                _("A death or the end of the services ends the pathways: confirm it first."),
            )
        return data


# Events that end the running pathways: recorded only with a confirmation.
ENDING_EVENTS = frozenset({EventKindChoices.DEATH, EventKindChoices.SERVICES_ENDED})


class EventCorrectForm(Form):
    occurred_at = DateTimeLocalField(label=_("When"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    withdraw = forms.BooleanField(
        label=_("The event was recorded in error: withdraw it"), required=False
    )
    reason = forms.CharField(
        label=_("Why is it corrected?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        occurred_at = data.get("occurred_at")
        if occurred_at is not None and occurred_at > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_at", _("The time cannot be in the future."))
        return data


# --------------------------------------------------------------------------------------------
# Leaders' view
# --------------------------------------------------------------------------------------------


class AdherencePeriodForm(Form):
    date_from = NorwegianDateField(label=_("From"))
    date_to = NorwegianDateField(label=_("To"))
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end of the period is before its start."))
        if date_from and date_to and (date_to - date_from).days > 3 * 366:
            self.add_error("date_to", _("Choose a period of at most three years."))
        return data


class LeaderDrillForm(AdherencePeriodForm):
    """Which figure of the leaders' view to list: the period and unit as there, the row (``by``
    and ``key``: a stop point's code, a unit's id, a person's id or "none") and the status."""

    BY_CHOICES = (("definition", "definition"), ("unit", "unit"), ("employee", "employee"))
    STATUS_CHOICES = tuple((s, s) for s in ADHERENCE_STATUSES)

    by = forms.ChoiceField(label=_("Grouping"), choices=BY_CHOICES)
    key = forms.CharField(label=_("Row"), max_length=20)
    status = forms.ChoiceField(label=_("Figure"), choices=STATUS_CHOICES)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        by, key = data.get("by"), data.get("key") or ""
        if by == "unit" and not key.isdigit():
            self.add_error("key", _("Choose a unit from the leaders' view."))
        if by == "employee" and not (key == "none" or key.isdigit()):
            self.add_error("key", _("Choose a person from the leaders' view."))
        if by in ("unit", "employee") and key.isdigit() and int(key) > INT32_MAX:
            self.add_error("key", _("Choose a row from the leaders' view."))
        return data
