"""Forms for the measures pages."""

from __future__ import annotations

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.core.uploads import upload_limit
from forlop.core.validation import PlausibleDateField


def too_large_message() -> str:
    return gettext("The file is too large (at most %(size)s).") % {
        "size": filesizeformat(upload_limit())
    }


class AnnotationForm(Form):
    date = PlausibleDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("What changed"), max_length=200)
    part_ends_here = forms.BooleanField(
        label=_("Start a new part after this period (split the chart)"), required=False
    )


class ClosePeriodForm(Form):
    period_start = PlausibleDateField(widget=forms.HiddenInput)


class ImportForm(Form):
    file = forms.FileField(
        label=_("CSV or Excel file"),
        help_text=_("Columns: period (YYYY-MM-DD, the first day), value, and optionally comment."),
    )

    def __init__(self, *args: object, too_large: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if too_large:  # the upload was stopped on the way in: there is no file to require
            self.fields["file"].required = False

    def clean(self) -> dict[str, object]:
        if self.too_large:
            raise forms.ValidationError(too_large_message())
        return super().clean()

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload is None:
            return upload
        if upload.size > upload_limit():
            raise forms.ValidationError(too_large_message())
        return upload
