"""Forms of the template export and import pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forlop.authoring.forms import SLUG_INVALID
from forlop.core.forms import Form
from forlop.core.models import Organisation
from forlop.core.uploads import upload_limit
from forlop.measures.forms import too_large_message
from forlop.pathways.models import PathwayTemplate


class TemplateUploadForm(Form):
    """Step 1: the file and the organisation it is imported into."""

    file = forms.FileField(
        label=gettext_lazy("Template file"),
        help_text=gettext_lazy(
            "A JSON file exported from Forløp (FHIR R4: a PlanDefinition with its Questionnaires)."
        ),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Import into"), queryset=Organisation.objects.none()
    )

    def __init__(
        self, *args: Any, organisations: Any, too_large: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.too_large = too_large
        if too_large:  # the upload was stopped on the way in (core/uploads.py)
            self.fields["file"].required = False

    def clean(self) -> dict[str, Any]:
        if self.too_large:
            raise ValidationError(too_large_message())
        return super().clean() or {}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload is not None and upload.size > upload_limit():
            raise ValidationError(too_large_message())
        return upload


class TemplateConfirmForm(Form):
    """Step 2: the previewed file (by its digest), and the new template's name and code."""

    digest = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
    organisation = forms.ModelChoiceField(
        widget=forms.HiddenInput, queryset=Organisation.objects.none()
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=60,
        help_text=gettext_lazy("Short unique code: letters, digits and hyphens."),
        error_messages={"invalid": SLUG_INVALID},
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if PathwayTemplate.objects.filter(code=code).exists():
            raise ValidationError(_("A template with this code already exists."), code="duplicate")
        return code
