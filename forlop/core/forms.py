"""Form helpers shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from forlop.core.validation import PlausibleDateField, PlausibleDateTimeField

_Saved = TypeVar("_Saved")


def form_save(
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], _Saved],
    *,
    refusal_on_form: bool = False,
) -> _Saved | None:
    """Validate ``form`` at the edge, then ``save(form.cleaned_data)`` (a service call).

    A ``ValidationError`` the service raises (its own rules, uniqueness) goes on the form as a
    non-field error, so the page shows it beside the input. With ``refusal_on_form``, so does a
    ``PermissionDenied`` whose message is for the user (a service that refuses this user this
    choice, such as an organisation they may not write for); without it the refusal propagates
    (a 403 page). Returns what ``save`` returned, or None when the form or the service refused
    (nothing is saved then: the service owns its transaction). ``save`` must not return None:
    services return what they wrote.
    """
    if not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
    except PermissionDenied as exc:
        if not refusal_on_form:
            raise
        form.add_error(None, str(exc))
    return None


class DesignSystemFormMixin:
    """Give widgets the design system's classes and link errors/help for screen readers."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():
            self.style_field(name, field)

    @staticmethod
    def style_field(name: str, field: forms.Field) -> None:
        """Style one field; forms that add fields after __init__ call it for those."""
        widget = field.widget
        if isinstance(
            widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect
        ):
            widget.attrs.setdefault("class", "ds-input")
            return
        if "ds-input" not in widget.attrs.get("class", "").split():
            widget.attrs["class"] = (widget.attrs.get("class", "") + " ds-input").strip()
        if field.help_text:
            widget.attrs.setdefault("aria-describedby", f"id_{name}_help")


class Form(DesignSystemFormMixin, forms.Form):
    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"


# --------------------------------------------------------------------------------------------
# Dates the Norwegian way, whatever the browser's language
# --------------------------------------------------------------------------------------------
# A browser's own date input (type=date, datetime-local) shows and reads the date in the
# browser's language: mm/dd/yyyy in an English browser. These are text inputs in the Norwegian
# format (31.12.2026, 31.12.2026 14:30), read on the server. The ISO forms are accepted too,
# for links, scripts and the command line.

DATE_FORMAT = "%d.%m.%Y"
DATETIME_FORMAT = "%d.%m.%Y %H:%M"
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y", "%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y kl. %H:%M",
    "%d.%m.%Y %H.%M",
    "%d.%m.%y %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
]


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A model choice field's options from its queryset read once as a list.

    Django's iterator reads the options through ``QuerySet.iterator()``, which on PostgreSQL
    is a server-side cursor: DECLARE, FETCH and CLOSE, three round trips (about 2 ms on the
    work list) for a user's handful of units, and again for every render of the options.
    """

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:  # evaluated once, then the queryset's cache
            yield self.choice(obj)


class ListedModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ``ModelChoiceField`` for short lists (``ListedChoiceIterator``)."""

    iterator = ListedChoiceIterator


class NorwegianDateInput(forms.DateInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": _("dd.mm.yyyy"),
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": "10",
            "class": "date-input",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DATE_FORMAT)


class NorwegianDateTimeInput(forms.DateTimeInput):
    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "placeholder": _("dd.mm.yyyy hh:mm"),
            "autocomplete": "off",
            "size": "16",
            "class": "date-input",
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=DATETIME_FORMAT)


class NorwegianDateField(PlausibleDateField):
    """A date typed dd.mm.yyyy whatever the browser's language, within the plausible range
    (``core.validation``)."""

    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": _("Enter a date as dd.mm.yyyy, for example 24.11.2026.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", NorwegianDateInput())
        super().__init__(**kwargs)


class NorwegianDateTimeField(PlausibleDateTimeField):
    """A date and time typed dd.mm.yyyy hh:mm, its date within the plausible range."""

    input_formats = DATETIME_INPUT_FORMATS
    default_error_messages = {
        "invalid": _("Enter a date and time as dd.mm.yyyy hh:mm, for example 24.11.2026 14:30.")
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", NorwegianDateTimeInput())
        super().__init__(**kwargs)


class MembershipAddForm(Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)  # type: ignore[arg-type]
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        from forlop.core.models import Role

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["role"].choices = Role.choices  # type: ignore[attr-defined]

    def clean_username(self) -> Any:
        from forlop.core.models import User

        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active user has that username."))
        return user
