"""The leaders' view: the period and the drill-down behind a figure."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form, NorwegianDateField
from forlop.core.models import Unit
from forlop.core.validation import INT32_MAX
from forlop.pathways.selectors.adherence import STATUSES as ADHERENCE_STATUSES


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
