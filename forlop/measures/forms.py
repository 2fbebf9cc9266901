"""Forms for the measures pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class AnnotationForm(Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("What changed"), max_length=200)
    part_ends_here = forms.BooleanField(
        label=_("Start a new part after this period (split the chart)"), required=False
    )


class ClosePeriodForm(Form):
    period_start = forms.DateField(widget=forms.HiddenInput)


class ImportForm(Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("Columns: period (YYYY-MM-DD, the first day), value, and optionally comment."),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 2 MB)."))
        return upload
