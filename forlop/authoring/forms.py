"""Forms of the template pages: validate at the edge; the authoring services validate again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forlop.authoring.fields import DEFINITION_FIELDS, ITEM_FIELDS
from forlop.core.forms import Form
from forlop.core.models import Organisation, Role
from forlop.core.validation import INT32_MAX
from forlop.pathways import rules
from forlop.pathways.models import (
    AnchorChoices,
    AssessmentDomain,
    ChainActor,
    ChecklistItem,
    DeadlineUnitChoices,
    EventKindChoices,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
    TriggerChoices,
)

# Django's own message names the field type ("Oppgi en gyldig «slug»"); say what is allowed.
SLUG_INVALID = gettext_lazy(
    "Use only letters a–z without æ, ø and å, digits, hyphens and underscores, "
    "for example hph-horten."
)


class TemplateCopyForm(Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
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


def _blank(choices: Any) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class DefinitionForm(Form):
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, max_value=INT32_MAX)
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
    show_code = forms.BooleanField(
        label=gettext_lazy("Show the code to users"),
        required=False,
        help_text=gettext_lazy(
            "Off for a stop point outside the HPH numbering (the daily care plan): users see its "
            "title only."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    responsible_role = forms.ChoiceField(label=gettext_lazy("Responsible"), choices=Role.choices)
    actor = forms.ChoiceField(label=gettext_lazy("Actor in the chain"), choices=ChainActor.choices)
    trigger = forms.ChoiceField(label=gettext_lazy("Trigger"), choices=TriggerChoices.choices)
    trigger_events = forms.MultipleChoiceField(
        label=gettext_lazy("Trigger events"),
        choices=EventKindChoices.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    after_code = forms.CharField(
        label=gettext_lazy("After stop point (code)"), max_length=20, required=False
    )
    anchor = forms.ChoiceField(
        label=gettext_lazy("Deadline counted from"), choices=AnchorChoices.choices
    )
    deadline_amount = forms.IntegerField(
        label=gettext_lazy("Deadline"), min_value=0, max_value=INT32_MAX
    )
    deadline_unit = forms.ChoiceField(
        label=gettext_lazy("Deadline unit"), choices=DeadlineUnitChoices.choices
    )
    window_amount = forms.IntegerField(
        label=gettext_lazy("Opens before the deadline"),
        min_value=0,
        max_value=INT32_MAX,
        required=False,
        help_text=gettext_lazy("Empty: open from the moment it is triggered."),
    )
    window_unit = forms.ChoiceField(
        label=gettext_lazy("Window unit"),
        choices=_blank(DeadlineUnitChoices.choices),
        required=False,
    )
    repeats = forms.BooleanField(
        label=gettext_lazy("May be open several times at once"), required=False
    )
    in_chain = forms.BooleanField(label=gettext_lazy("Counts in adherence reports"), required=False)
    main_checklist = forms.BooleanField(
        label=gettext_lazy("One of the main checklists"),
        required=False,
        help_text=gettext_lazy(
            "The trial's measure counts the patients who got at least 3 of the 4 main checklists."
        ),
    )
    part_role = forms.ChoiceField(
        label=gettext_lazy("A part for another role"),
        choices=_blank(Role.choices),
        required=False,
        help_text=gettext_lazy(
            "The owner prepares and signs the stop point; this role completes and signs its "
            "own part (HPH3: the GP records the visit and the medication review)."
        ),
    )
    part_title = forms.CharField(
        label=gettext_lazy("Title of the part"), max_length=200, required=False
    )
    deadline_source = forms.CharField(
        label=gettext_lazy("Source of the deadline"), max_length=300, required=False
    )
    deadline_local_default = forms.BooleanField(
        label=gettext_lazy("The deadline is a local default (no published source)"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        part_role = data.get("part_role") or ""
        if part_role and part_role == data["responsible_role"]:
            self.add_error("part_role", _("The part needs another role than the owner's."))
            return data
        if part_role and not (data.get("part_title") or "").strip():
            self.add_error("part_title", _("Give the part a title."))
            return data
        if data.get("window_unit") and data.get("window_amount") is None:
            self.add_error("window_amount", _("Give the window amount for the window unit."))
            return data
        if data["trigger"] == TriggerChoices.RECURRENCE and data["deadline_unit"] == "hours":
            self.add_error(
                "deadline_unit", _("A recurrence is counted in days or months, not hours.")
            )
            return data
        try:
            rules.StopPointDefinition(
                code=data["code"],
                title=data["title"],
                responsible_role=data["responsible_role"],
                trigger=data["trigger"],
                anchor=data["anchor"],
                deadline_amount=data["deadline_amount"],
                deadline_unit=data["deadline_unit"],
                window_amount=data.get("window_amount"),
                window_unit=data.get("window_unit") or None,
                repeats=data.get("repeats", False),
                trigger_events=frozenset(data.get("trigger_events") or ()),
                after_code=data.get("after_code") or None,
            )
        except rules.RuleError as exc:
            raise ValidationError(
                _("The stop point is not consistent: %(problem)s") % {"problem": exc},
                code="invalid_definition",
            ) from exc
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["trigger_events"] = list(data.get("trigger_events") or [])
        data["window_unit"] = data.get("window_unit") or ""
        data["after_code"] = data.get("after_code") or ""
        data["description"] = data.get("description") or ""
        data["deadline_source"] = (data.get("deadline_source") or "").strip()
        data["chain_actor"] = data.pop("actor")
        role = data.pop("part_role", "") or ""
        title = (data.pop("part_title", "") or "").strip()
        data["parts"] = [{"role": role, "title": title}] if role else []
        return data

    @classmethod
    def initial_for(cls, definition: StopPointDefinition) -> dict[str, Any]:
        initial = {name: getattr(definition, name) for name in DEFINITION_FIELDS}
        parts = definition.part_specs
        initial.pop("parts", None)
        if parts:
            initial["part_role"], initial["part_title"] = parts[0]
        return initial


def _plain_decimal(value: Decimal) -> Decimal:
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized


class ItemForm(Form):
    order = forms.IntegerField(
        label=gettext_lazy("Order"), min_value=0, max_value=INT32_MAX, initial=0
    )
    key = forms.SlugField(
        label=gettext_lazy("Key"), max_length=60, error_messages={"invalid": SLUG_INVALID}
    )
    text = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ChecklistItem.Kind.choices)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    allow_not_relevant = forms.BooleanField(
        label=gettext_lazy("May be marked not relevant"), required=False, initial=True
    )
    number_unit = forms.CharField(label=gettext_lazy("Unit"), max_length=20, required=False)
    number_min = forms.DecimalField(
        label=gettext_lazy("Lowest plausible value"),
        required=False,
        max_digits=12,
        decimal_places=3,
        localize=True,
        help_text=gettext_lazy("For number questions: an answer outside the range is refused."),
    )
    number_max = forms.DecimalField(
        label=gettext_lazy("Highest plausible value"),
        required=False,
        max_digits=12,
        decimal_places=3,
        localize=True,
    )
    choices = forms.CharField(
        label=gettext_lazy("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One per line, for choice questions."),
    )
    domain = forms.ChoiceField(
        label=gettext_lazy("Assessment domain"),
        choices=_blank(AssessmentDomain.choices),
        required=False,
    )
    guidance = forms.CharField(
        label=gettext_lazy("Guidance"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    carry_to_care_plan = forms.BooleanField(
        label=gettext_lazy("Carry into the daily care plan"), required=False
    )
    part = forms.ChoiceField(
        label=gettext_lazy("Part"),
        choices=[("", gettext_lazy("The owner's part")), *Role.choices],
        required=False,
        help_text=gettext_lazy("The role that answers and signs this question."),
    )
    local_default = forms.BooleanField(
        label=gettext_lazy("Local default (no published source backs the question or its tool)"),
        required=False,
    )

    def clean_choices(self) -> list[str]:
        raw: str = self.cleaned_data.get("choices") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    @classmethod
    def initial_for(cls, item: ChecklistItem) -> dict[str, Any]:
        initial = {name: getattr(item, name) for name in ITEM_FIELDS}
        initial["choices"] = "\n".join(item.choices or [])
        for name in ("number_min", "number_max"):
            if initial[name] is not None:  # 25.500 as "25,5", 300.000 as "300"
                initial[name] = _plain_decimal(initial[name])
        return initial


class PublishForm(Form):
    notes = forms.CharField(
        label=gettext_lazy("What changed"), widget=forms.Textarea(attrs={"rows": 3})
    )


def version_label(version: TemplateVersion, versions: list[TemplateVersion]) -> str:
    """ "v2 · Published", "v1 · Published, superseded" (a later version is published), "v3 · Draft"."""
    status = version.get_status_display()
    if version.status == TemplateVersion.Status.PUBLISHED and any(
        v.number > version.number and v.status == TemplateVersion.Status.PUBLISHED for v in versions
    ):
        status = _("%(status)s, superseded") % {"status": status}
    return f"v{version.number} · {status}"


class VersionPairForm(Form):
    old = forms.TypedChoiceField(label=gettext_lazy("From version"), coerce=int)
    new = forms.TypedChoiceField(label=gettext_lazy("To version"), coerce=int)

    def __init__(self, *args: Any, versions: list[TemplateVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.number, version_label(v, versions)) for v in versions]
        self.fields["old"].choices = choices  # type: ignore[attr-defined]
        self.fields["new"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data["old"] == data["new"]:
            raise ValidationError(_("Choose two different versions."), code="same_version")
        return data


ORIGIN_PREFIX = "origin-"


class VersionCompareForm(VersionPairForm):
    """The version comparison: "from" may also be a version of the template this one was
    copied from (``origin-<number>``), to see what the municipality changed in its copy."""

    old = forms.ChoiceField(label=gettext_lazy("From version"))  # type: ignore[assignment]

    def __init__(
        self,
        *args: Any,
        versions: list[TemplateVersion],
        origin: Any = None,
        origin_versions: list[TemplateVersion] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, versions=versions, **kwargs)
        own = [(str(v.number), version_label(v, versions)) for v in versions]
        if origin is not None and origin_versions:
            copied = [
                (
                    f"{ORIGIN_PREFIX}{v.number}",
                    f"{origin.name}: {version_label(v, origin_versions)}",
                )
                for v in origin_versions
            ]
            self.fields["old"].choices = [  # type: ignore[attr-defined]
                (_("This template"), own),
                (_("Copied from"), copied),
            ]
        else:
            self.fields["old"].choices = own  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = Form.clean(self) or {}
        if not self.errors and data["old"] == str(data["new"]):
            raise ValidationError(_("Choose two different versions."), code="same_version")
        return data
