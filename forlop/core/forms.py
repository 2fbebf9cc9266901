"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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
