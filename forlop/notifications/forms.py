"""Forms of the notifications pages. They parse; the services validate (one set of messages)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.notifications.models import Preference, Target, Trigger


class RuleForm(Form):
    template_code = forms.ChoiceField(label=_("Pathway template"))
    stop_point_code = forms.CharField(
        label=_("Stop point (code)"),
        required=False,
        max_length=20,
        help_text=_("For example HPH2. Empty: every stop point of the template."),
    )
    trigger = forms.ChoiceField(
        label=_("When"),
        choices=Trigger.choices,
        error_messages={"invalid_choice": _("Choose when to notify.")},
    )
    target = forms.ChoiceField(
        label=_("Who"),
        choices=Target.choices,
        error_messages={
            "invalid_choice": _("Unknown recipient. Choose one of the recipients in the list.")
        },
    )
    delay_days = forms.IntegerField(
        label=_("Working days"),
        initial=0,
        help_text=_("Before the deadline for 'before', after the deadline or the event otherwise."),
        error_messages={"invalid": _("Write a whole number of working days.")},
    )
    repeat_days = forms.IntegerField(
        label=_("Repeat every (working days)"),
        required=False,
        help_text=_("Overdue reminders only. Empty: once."),
        error_messages={"invalid": _("Write a whole number of working days.")},
    )
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=200,
        help_text=_("Shown in Forløp only, never sent by e-mail. No patient information."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, templates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["template_code"])
        field.choices = templates
        field.error_messages["invalid_choice"] = _(
            "Choose one of the municipality's pathway templates."
        )


class PreferenceForm(Form):
    email_mode = forms.ChoiceField(
        label=_("E-mail"),
        choices=Preference.Email.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose immediately, a daily digest or no e-mail.")},
    )
    digest_hour = forms.IntegerField(
        label=_("Hour of the daily digest"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 23}),
        help_text=_("0–23. On working days; a weekend or a holiday moves it to the next one."),
        error_messages={"invalid": _("Write the hour as a whole number from 0 to 23.")},
    )
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        # type=email for the phone's keyboard; the service validates (the form is novalidate)
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        max_length=254,
        help_text=_("Empty: the address of your user account."),
    )
