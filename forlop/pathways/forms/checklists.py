"""A checklist's rows: answers, reasons, revisions and assignment."""

from __future__ import annotations

import contextlib
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form, NorwegianDateField
from forlop.core.models import Unit, User
from forlop.core.validation import INT32_MAX
from forlop.pathways.checklists import AnswerError, clean_number, parse_choices
from forlop.pathways.models import (
    ChecklistAnswer,
    ChecklistItem,
)

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
