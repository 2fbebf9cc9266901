"""Pathway template pages: list, read a version, copy, edit a draft, publish, compare, migrate.

Access: everyone with an active membership reads the national defaults and their own
organisation's templates (others' are 404); administrators and unit leaders of the owning
organisation edit (others get 403); national defaults are read-only and can be copied.

Forms validate at the edge; the services in ``forlop.pathways.versioning`` validate again (the
pure rules, uniqueness, published versions never change) and their ``ValidationError`` is shown
on the form. htmx error convention as in ``forlop.pathways.views``: an htmx request with invalid
input gets 200 and the partial with the error; a plain post gets the full page with 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.forms import Form
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Organisation, Role
from forlop.pathways import rules, versioning
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

# --------------------------------------------------------------------------------------------
# Forms
# --------------------------------------------------------------------------------------------


class TemplateCopyForm(Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=60,
        help_text=gettext_lazy("Short unique code: letters, digits and hyphens."),
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
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0)
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20)
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
    deadline_amount = forms.IntegerField(label=gettext_lazy("Deadline"), min_value=0)
    deadline_unit = forms.ChoiceField(
        label=gettext_lazy("Deadline unit"), choices=DeadlineUnitChoices.choices
    )
    window_amount = forms.IntegerField(
        label=gettext_lazy("Opens before the deadline"),
        min_value=0,
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

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
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
        data["chain_actor"] = data.pop("actor")
        return data

    @classmethod
    def initial_for(cls, definition: StopPointDefinition) -> dict[str, Any]:
        return {name: getattr(definition, name) for name in versioning.DEFINITION_FIELDS}


class ItemForm(Form):
    order = forms.IntegerField(label=gettext_lazy("Order"), min_value=0, initial=0)
    key = forms.SlugField(label=gettext_lazy("Key"), max_length=60)
    text = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ChecklistItem.Kind.choices)
    required = forms.BooleanField(label=gettext_lazy("Required"), required=False)
    allow_not_relevant = forms.BooleanField(
        label=gettext_lazy("May be marked not relevant"), required=False, initial=True
    )
    number_unit = forms.CharField(label=gettext_lazy("Unit"), max_length=20, required=False)
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

    def clean_choices(self) -> list[str]:
        raw: str = self.cleaned_data.get("choices") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    @classmethod
    def initial_for(cls, item: ChecklistItem) -> dict[str, Any]:
        initial = {name: getattr(item, name) for name in versioning.ITEM_FIELDS}
        initial["choices"] = "\n".join(item.choices or [])
        return initial


class PublishForm(Form):
    notes = forms.CharField(
        label=gettext_lazy("What changed"), widget=forms.Textarea(attrs={"rows": 3})
    )


class VersionPairForm(Form):
    old = forms.TypedChoiceField(label=gettext_lazy("From version"), coerce=int)
    new = forms.TypedChoiceField(label=gettext_lazy("To version"), coerce=int)

    def __init__(self, *args: Any, versions: list[TemplateVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.number, f"v{v.number} · {v.get_status_display()}") for v in versions]
        self.fields["old"].choices = choices  # type: ignore[attr-defined]
        self.fields["new"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data["old"] == data["new"]:
            raise ValidationError(_("Choose two different versions."), code="same_version")
        return data


# --------------------------------------------------------------------------------------------
# Presentation helpers
# --------------------------------------------------------------------------------------------


def deadline_in_words(definition: StopPointDefinition) -> str:
    """For example "3 calendar days after arrival home" or "every 12 months from start"."""
    unit = DeadlineUnitChoices(definition.deadline_unit).label
    anchor = str(AnchorChoices(definition.anchor).label).lower()
    amount = definition.deadline_amount
    if definition.trigger == TriggerChoices.RECURRENCE:
        return _("every %(amount)s %(unit)s from %(anchor)s") % {
            "amount": amount,
            "unit": unit,
            "anchor": anchor,
        }
    if amount == 0:
        if definition.deadline_unit == DeadlineUnitChoices.HOURS:
            return _("immediately (from %(anchor)s)") % {"anchor": anchor}
        return _("the same day (from %(anchor)s)") % {"anchor": anchor}
    return _("%(amount)s %(unit)s after %(anchor)s") % {
        "amount": amount,
        "unit": unit,
        "anchor": anchor,
    }


def window_in_words(definition: StopPointDefinition) -> str:
    if definition.window_amount is None:
        return ""
    unit = DeadlineUnitChoices(definition.window_unit or definition.deadline_unit).label
    return ngettext(
        "opens %(amount)s %(unit)s before the deadline",
        "opens %(amount)s %(unit)s before the deadline",
        definition.window_amount,
    ) % {"amount": definition.window_amount, "unit": unit}


def trigger_in_words(definition: StopPointDefinition) -> str:
    if definition.trigger == TriggerChoices.EVENT:
        events = ", ".join(
            str(EventKindChoices(e).label).lower() for e in definition.trigger_events
        )
        return _("on each event: %(events)s") % {"events": events}
    if definition.trigger == TriggerChoices.AFTER_STOP_POINT:
        return _("when %(code)s is done") % {"code": definition.after_code}
    return str(TriggerChoices(definition.trigger).label)


@dataclass
class ItemRow:
    item: ChecklistItem
    form: ItemForm | None = None


@dataclass
class DefinitionCard:
    definition: StopPointDefinition
    deadline: str
    window: str
    trigger: str
    items: list[ItemRow] = field(default_factory=list)
    form: DefinitionForm | None = None
    new_item_form: ItemForm | None = None


def _cards(
    version: TemplateVersion, *, editable: bool, bound: dict[tuple[str, int], Form] | None = None
) -> list[DefinitionCard]:
    bound = bound or {}
    cards = []
    for definition in versioning.version_definitions(version=version):
        card = DefinitionCard(
            definition=definition,
            deadline=deadline_in_words(definition),
            window=window_in_words(definition),
            trigger=trigger_in_words(definition),
        )
        for item in definition.items.all():
            form = None
            if editable:
                form = bound.get(("item", item.pk)) or ItemForm(
                    initial=ItemForm.initial_for(item), prefix=f"i{item.pk}"
                )
            card.items.append(ItemRow(item=item, form=form))  # type: ignore[arg-type]
        if editable:
            card.form = bound.get(("definition", definition.pk)) or DefinitionForm(  # type: ignore[assignment]
                initial=DefinitionForm.initial_for(definition), prefix=f"d{definition.pk}"
            )
            card.new_item_form = bound.get(("new_item", definition.pk)) or ItemForm(  # type: ignore[assignment]
                prefix=f"n{definition.pk}",
                initial={"order": (len(card.items) + 1) * 10, "allow_not_relevant": True},
            )
        cards.append(card)
    return cards


def _card(definition: StopPointDefinition, bound: dict[tuple[str, int], Form]) -> DefinitionCard:
    for card in _cards(definition.version, editable=True, bound=bound):
        if card.definition.pk == definition.pk:
            return card
    raise Http404


# --------------------------------------------------------------------------------------------
# Fetching with access checks
# --------------------------------------------------------------------------------------------


def _template_for_edit(request: AuthedHttpRequest, pk: int) -> PathwayTemplate:
    template = versioning.template_get_for_user(user=request.user, pk=pk)
    if not versioning.template_can_edit(user=request.user, template=template):
        raise PermissionDenied
    return template


def _version_for_edit(request: AuthedHttpRequest, pk: int) -> TemplateVersion:
    version = get_object_or_404(TemplateVersion.objects.select_related("template"), pk=pk)
    _template_for_edit(request, version.template_id)
    return version


def _definition_for_edit(request: AuthedHttpRequest, pk: int) -> StopPointDefinition:
    definition = get_object_or_404(
        StopPointDefinition.objects.select_related("version__template"), pk=pk
    )
    _template_for_edit(request, definition.version.template_id)
    return definition


def _item_for_edit(request: AuthedHttpRequest, pk: int) -> ChecklistItem:
    item = get_object_or_404(
        ChecklistItem.objects.select_related("definition__version__template"), pk=pk
    )
    _template_for_edit(request, item.definition.version.template_id)
    return item


def _version_by_number(template: PathwayTemplate, number: Any) -> TemplateVersion:
    try:
        return template.versions.get(number=int(number))
    except (TypeError, ValueError, TemplateVersion.DoesNotExist):
        raise Http404 from None


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@require_GET
def template_list(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_superuser and not request.user.memberships.filter(active=True).exists():
        raise PermissionDenied  # staff pages: patients and next of kin have no membership
    templates = versioning.template_list_for_user(user=request.user).prefetch_related(
        Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
    )
    editable = set(
        versioning.organisations_editable_by(user=request.user).values_list("pk", flat=True)
    )
    rows = [
        {
            "template": t,
            "can_edit": t.organisation_id in editable,
            "latest": next(iter(t.versions.all()), None),
        }
        for t in templates
    ]
    return render(
        request,
        "pathways/template_list.html",
        {"rows": rows, "can_copy": bool(editable)},
    )


def _detail_context(request: AuthedHttpRequest, template: PathwayTemplate) -> dict[str, Any]:
    versions = list(template.versions.order_by("-number"))
    if "version" in request.GET:
        version = _version_by_number(template, request.GET["version"])
    else:
        version = next((v for v in versions if v.is_published), versions[0] if versions else None)
    return {
        "template": template,
        "versions": versions,
        "version": version,
        "cards": _cards(version, editable=False) if version else [],
        "can_edit": versioning.template_can_edit(user=request.user, template=template),
        "can_copy": versioning.organisations_editable_by(user=request.user).exists(),
        "draft": next((v for v in versions if not v.is_published), None),
        "running": versioning.running_pathways(version=version).count() if version else 0,
    }


@require_GET
def template_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = versioning.template_get_for_user(user=request.user, pk=pk)
    return render(request, "pathways/template_detail.html", _detail_context(request, template))


# --------------------------------------------------------------------------------------------
# Copy, draft, publish
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def template_copy(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = versioning.template_get_for_user(user=request.user, pk=pk)
    organisations = versioning.organisations_editable_by(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = {"name": template.name, "organisation": organisations.first()}
    form = TemplateCopyForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = versioning.template_copy(
                actor=request.user, template=template, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Template copied. Adapt the draft and publish it."))
            return redirect("pathway_templates:version-edit", pk=copy.versions.get().pk)
    status = 400 if request.method == "POST" else 200
    context = {**_detail_context(request, template), "copy_form": form}
    return render(request, "pathways/template_detail.html", context, status=status)


@require_POST
def version_draft_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = _template_for_edit(request, pk)
    try:
        draft = versioning.version_draft_create(actor=request.user, template=template)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pathway_templates:detail", pk=template.pk)
    messages.success(request, _("Draft version %(number)s created.") % {"number": draft.number})
    return redirect("pathway_templates:version-edit", pk=draft.pk)


def _edit_page(
    request: AuthedHttpRequest,
    version: TemplateVersion,
    *,
    bound: dict[tuple[str, int], Form] | None = None,
    new_definition_form: DefinitionForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    editable = not version.is_published
    # On a published version no edit forms are shown, so show their errors at the top.
    failed = [*(bound or {}).values(), new_definition_form, publish_form]
    page_errors = (
        [] if editable else [e for f in failed if f is not None for e in f.non_field_errors()]
    )
    context = {
        "page_errors": page_errors,
        "template": version.template,
        "version": version,
        "editable": editable,
        "cards": _cards(version, editable=editable, bound=bound),
        "new_definition_form": new_definition_form
        or DefinitionForm(
            prefix="new",
            initial={
                "order": (version.definitions.count() + 1) * 10,
                "in_chain": True,
                "responsible_role": Role.PRIMARY_CONTACT,
                "actor": ChainActor.HOME_CARE,
            },
        ),
        "publish_form": publish_form or PublishForm(),
    }
    return render(request, "pathways/version_edit.html", context, status=status)


@require_GET
def version_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version_for_edit(request, pk)
    if version.is_published:
        messages.info(request, _("This version is published and cannot change."))
        return redirect(f"{_detail_url(version.template_id)}?version={version.number}")
    return _edit_page(request, version)


def _detail_url(template_pk: int) -> str:
    return reverse("pathway_templates:detail", kwargs={"pk": template_pk})


@require_POST
def version_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version_for_edit(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            versioning.version_publish(
                actor=request.user, version=version, notes=form.cleaned_data["notes"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Version %(number)s published.") % {"number": version.number}
            )
            return redirect(f"{_detail_url(version.template_id)}?version={version.number}")
    return _edit_page(request, version, publish_form=form, status=400)


# --------------------------------------------------------------------------------------------
# Editing a draft
# --------------------------------------------------------------------------------------------


@require_POST
def definition_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version_for_edit(request, pk)
    form = DefinitionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            versioning.definition_create(
                actor=request.user, version=version, **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Stop point added."))
            return redirect("pathway_templates:version-edit", pk=version.pk)
    return _edit_page(request, version, new_definition_form=form, status=400)


@require_POST
def definition_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = _definition_for_edit(request, pk)
    form = DefinitionForm(request.POST, prefix=f"d{definition.pk}")
    saved = False
    if form.is_valid():
        try:
            definition = versioning.definition_update(
                actor=request.user, definition=definition, **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = True
    if request.htmx:
        bound: dict[tuple[str, int], Form] = {} if saved else {("definition", definition.pk): form}
        card = _card(definition, bound)
        return render(
            request,
            "pathways/version_edit.html#definition-card",
            {"card": card, "version": definition.version, "editable": True, "saved": saved},
        )
    if saved:
        messages.success(request, _("Stop point saved."))
        return redirect("pathway_templates:version-edit", pk=definition.version_id)
    return _edit_page(
        request, definition.version, bound={("definition", definition.pk): form}, status=400
    )


@require_POST
def definition_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = _definition_for_edit(request, pk)
    try:
        versioning.definition_delete(actor=request.user, definition=definition)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Stop point removed."))
    return redirect("pathway_templates:version-edit", pk=definition.version_id)


def _item_response(
    request: AuthedHttpRequest,
    definition: StopPointDefinition,
    bound: dict[tuple[str, int], Form],
    *,
    saved: bool,
    message: str,
) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "pathways/version_edit.html#definition-card",
            {
                "card": _card(definition, bound),
                "version": definition.version,
                "editable": True,
                "saved": saved,
            },
        )
    if saved:
        messages.success(request, message)
        return redirect("pathway_templates:version-edit", pk=definition.version_id)
    return _edit_page(request, definition.version, bound=bound, status=400)


@require_POST
def item_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = _definition_for_edit(request, pk)
    form = ItemForm(request.POST, prefix=f"n{definition.pk}")
    saved = False
    if form.is_valid():
        try:
            versioning.item_create(actor=request.user, definition=definition, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = True
    bound: dict[tuple[str, int], Form] = {} if saved else {("new_item", definition.pk): form}
    return _item_response(request, definition, bound, saved=saved, message=_("Question added."))


@require_POST
def item_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = _item_for_edit(request, pk)
    form = ItemForm(request.POST, prefix=f"i{item.pk}")
    saved = False
    if form.is_valid():
        try:
            versioning.item_update(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = True
    bound: dict[tuple[str, int], Form] = {} if saved else {("item", item.pk): form}
    return _item_response(
        request, item.definition, bound, saved=saved, message=_("Question saved.")
    )


@require_POST
def item_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = _item_for_edit(request, pk)
    try:
        versioning.item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("pathway_templates:version-edit", pk=item.definition.version_id)
    return _item_response(request, item.definition, {}, saved=True, message=_("Question removed."))


# --------------------------------------------------------------------------------------------
# Compare and migrate
# --------------------------------------------------------------------------------------------


@require_GET
def version_diff(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = versioning.template_get_for_user(user=request.user, pk=pk)
    versions = list(template.versions.order_by("-number"))
    form = VersionPairForm(request.GET or None, versions=versions)
    diff = None
    old = new = None
    if request.GET and form.is_valid():
        old = _version_by_number(template, form.cleaned_data["old"])
        new = _version_by_number(template, form.cleaned_data["new"])
        diff = versioning.version_diff(old=old, new=new)
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request,
        "pathways/version_diff.html",
        {"template": template, "form": form, "diff": diff, "old": old, "new": new},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def pathways_migrate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = _template_for_edit(request, pk)
    versions = list(template.versions.order_by("-number"))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = VersionPairForm(data, versions=versions)
    rows = None
    old = new = None
    now = timezone.now()
    if data is not None and form.is_valid():
        old = _version_by_number(template, form.cleaned_data["old"])
        new = _version_by_number(template, form.cleaned_data["new"])
        try:
            if request.method == "POST":
                moved = versioning.pathways_migrate(
                    actor=request.user, from_version=old, to_version=new, now=now
                )
                messages.success(
                    request,
                    ngettext(
                        "%(count)s pathway moved to version %(number)s.",
                        "%(count)s pathways moved to version %(number)s.",
                        moved,
                    )
                    % {"count": moved, "number": new.number},
                )
                return redirect(f"{_detail_url(template.pk)}?version={new.number}")
            rows = versioning.pathways_migrate_preview(from_version=old, to_version=new, now=now)
        except ValidationError as exc:
            form.add_error(None, exc)
    status = 400 if data is not None and not form.is_valid() else 200
    return render(
        request,
        "pathways/pathways_migrate.html",
        {"template": template, "form": form, "rows": rows, "old": old, "new": new},
        status=status,
    )
