"""Pathway template pages: list, read a version, copy, edit a draft, publish, compare, migrate.

Access: everyone with an active membership reads the national defaults and their own
organisation's templates (others' are 404); administrators and unit leaders of the owning
organisation edit (others get 403); national defaults are read-only and can be copied.

Forms validate at the edge; the authoring services validate again (the pure rules, uniqueness,
published versions never change) and their ``ValidationError`` is shown on the form. htmx
error convention as in ``forlop.pathways.views.common``: an htmx request with invalid input
gets 200 and the partial with the error; a plain post gets the full page with 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.authoring import cards, diff, migrate, registry, selectors, services
from forlop.authoring.forms import (
    ORIGIN_PREFIX,
    DefinitionForm,
    ItemForm,
    PublishForm,
    TemplateCopyForm,
    VersionCompareForm,
    VersionPairForm,
)
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Role
from forlop.core.validation import int_param
from forlop.pathways.models import (
    ChainActor,
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)

# --------------------------------------------------------------------------------------------
# Fetching with access checks
# --------------------------------------------------------------------------------------------


def _template_for_edit(request: AuthedHttpRequest, pk: int) -> PathwayTemplate:
    template = selectors.template_get_for_user(user=request.user, pk=pk)
    if not selectors.template_can_edit(user=request.user, template=template):
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
    value = int_param(None if number is None else str(number))
    if value is None:
        raise Http404
    try:
        return template.versions.get(number=value)
    except TemplateVersion.DoesNotExist:
        raise Http404 from None


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


@require_GET
def template_list(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.memberships.filter(active=True).exists():
        raise PermissionDenied  # staff pages: patients and next of kin have no membership
    templates = selectors.template_list_for_user(user=request.user).prefetch_related(
        Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
    )
    editable = set(
        selectors.organisations_editable_by(user=request.user).values_list("pk", flat=True)
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
        "authoring/template_list.html",
        {
            "rows": rows,
            "can_copy": bool(editable),
            "page_links": registry.page_links(
                "list", registry.PageContext(user=request.user, can_author=bool(editable))
            ),
        },
    )


def _detail_context(request: AuthedHttpRequest, template: PathwayTemplate) -> dict[str, Any]:
    versions = list(template.versions.order_by("-number"))
    version: TemplateVersion | None
    if "version" in request.GET:
        version = _version_by_number(template, request.GET["version"])
    else:
        version = next((v for v in versions if v.is_published), versions[0] if versions else None)
    can_copy = selectors.organisations_editable_by(user=request.user).exists()
    return {
        "template": template,
        "versions": versions,
        "version": version,
        "cards": cards.cards(version, editable=False) if version else [],
        "can_edit": selectors.template_can_edit(user=request.user, template=template),
        "can_copy": can_copy,
        "draft": next((v for v in versions if not v.is_published), None),
        "running": selectors.running_pathways(version=version).count() if version else 0,
        "page_links": registry.page_links(
            "detail",
            registry.PageContext(
                user=request.user, can_author=can_copy, template=template, version=version
            ),
        ),
    }


@require_GET
def template_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get_for_user(user=request.user, pk=pk)
    return render(request, "authoring/template_detail.html", _detail_context(request, template))


# --------------------------------------------------------------------------------------------
# Copy, draft, publish
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def template_copy(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get_for_user(user=request.user, pk=pk)
    organisations = selectors.organisations_editable_by(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = {"name": template.name, "organisation": organisations.first()}
    form = TemplateCopyForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.template_copy(
                actor=request.user, template=template, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Template copied. Adapt the draft and publish it."))
            return redirect("authoring:version-edit", pk=copy.versions.get().pk)
    status = 400 if request.method == "POST" else 200
    context = {**_detail_context(request, template), "copy_form": form}
    return render(request, "authoring/template_detail.html", context, status=status)


@require_POST
def version_draft_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = _template_for_edit(request, pk)
    try:
        draft = services.version_draft_create(actor=request.user, template=template)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("authoring:detail", pk=template.pk)
    messages.success(request, _("Draft version %(number)s created.") % {"number": draft.number})
    return redirect("authoring:version-edit", pk=draft.pk)


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
        "cards": cards.cards(version, editable=editable, bound=bound),
        "new_definition_form": new_definition_form
        or DefinitionForm(
            prefix="new",
            initial={
                "order": (version.definitions.count() + 1) * 10,
                "in_chain": True,
                "show_code": True,
                "responsible_role": Role.PRIMARY_CONTACT,
                "actor": ChainActor.HOME_CARE,
            },
        ),
        "publish_form": publish_form or PublishForm(),
    }
    return render(request, "authoring/version_edit.html", context, status=status)


@require_GET
def version_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version_for_edit(request, pk)
    if version.is_published:
        messages.info(request, _("This version is published and cannot change."))
        return redirect(f"{_detail_url(version.template_id)}?version={version.number}")
    return _edit_page(request, version)


def _detail_url(template_pk: int) -> str:
    return reverse("authoring:detail", kwargs={"pk": template_pk})


@require_POST
def version_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = _version_for_edit(request, pk)
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            services.version_publish(
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
            services.definition_create(actor=request.user, version=version, **form.service_fields())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Stop point added."))
            return redirect("authoring:version-edit", pk=version.pk)
    return _edit_page(request, version, new_definition_form=form, status=400)


@require_POST
def definition_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = _definition_for_edit(request, pk)
    form = DefinitionForm(request.POST, prefix=f"d{definition.pk}")
    saved = False
    if form.is_valid():
        try:
            definition = services.definition_update(
                actor=request.user, definition=definition, **form.service_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved = True
    if request.htmx:
        bound: dict[tuple[str, int], Form] = {} if saved else {("definition", definition.pk): form}
        card = cards.card(definition, bound)
        return render(
            request,
            "authoring/version_edit.html#definition-card",
            {"card": card, "version": definition.version, "editable": True, "saved": saved},
        )
    if saved:
        messages.success(request, _("Stop point saved."))
        return redirect("authoring:version-edit", pk=definition.version_id)
    return _edit_page(
        request, definition.version, bound={("definition", definition.pk): form}, status=400
    )


@require_POST
def definition_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = _definition_for_edit(request, pk)
    try:
        services.definition_delete(actor=request.user, definition=definition)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Stop point removed."))
    return redirect("authoring:version-edit", pk=definition.version_id)


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
            "authoring/version_edit.html#definition-card",
            {
                "card": cards.card(definition, bound),
                "version": definition.version,
                "editable": True,
                "saved": saved,
            },
        )
    if saved:
        messages.success(request, message)
        return redirect("authoring:version-edit", pk=definition.version_id)
    return _edit_page(request, definition.version, bound=bound, status=400)


@require_POST
def item_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = _definition_for_edit(request, pk)
    form = ItemForm(request.POST, prefix=f"n{definition.pk}")
    saved = False
    if form.is_valid():
        try:
            services.item_create(actor=request.user, definition=definition, **form.cleaned_data)
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
            services.item_update(actor=request.user, item=item, **form.cleaned_data)
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
        services.item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("authoring:version-edit", pk=item.definition.version_id)
    return _item_response(request, item.definition, {}, saved=True, message=_("Question removed."))


# --------------------------------------------------------------------------------------------
# Compare and migrate
# --------------------------------------------------------------------------------------------


@require_GET
def version_diff(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Compare two versions; it opens on the newest one against the one before it (for a copy
    with a single version: against the newest version of the template it was copied from)."""
    template = selectors.template_get_for_user(user=request.user, pk=pk)
    versions = list(template.versions.order_by("-number"))
    # The origin only if this user may read it (a national default, or their organisation's).
    origin = (
        selectors.template_list_for_user(user=request.user)
        .filter(pk=template.copied_from_id)
        .first()
        if template.copied_from_id
        else None
    )
    origin_versions = list(origin.versions.order_by("-number")) if origin is not None else []
    initial: dict[str, str] = {}
    if versions:
        initial["new"] = str(versions[0].number)
        if len(versions) > 1:
            initial["old"] = str(versions[1].number)
        elif origin_versions:
            initial["old"] = f"{ORIGIN_PREFIX}{origin_versions[0].number}"
    form = VersionCompareForm(
        request.GET or None,
        versions=versions,
        origin=origin,
        origin_versions=origin_versions,
        initial=initial,
    )
    changes = None
    old = new = None
    chosen = form.cleaned_data if request.GET and form.is_valid() else None
    if chosen is None and not request.GET and len(initial) == 2:
        chosen = initial
    if chosen is not None:
        old_key = str(chosen["old"])
        if old_key.startswith(ORIGIN_PREFIX) and origin is not None:
            old = _version_by_number(origin, old_key.removeprefix(ORIGIN_PREFIX))
        else:
            old = _version_by_number(template, old_key)
        new = _version_by_number(template, chosen["new"])
        changes = diff.version_diff(old=old, new=new)
    status = 400 if request.GET and not form.is_valid() else 200
    return render(
        request,
        "authoring/version_diff.html",
        {
            "template": template,
            "form": form,
            "diff": changes,
            "old": old,
            "new": new,
            "old_is_origin": old is not None and old.template_id != template.pk,
        },
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
                moved = migrate.pathways_migrate(
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
            rows = migrate.pathways_migrate_preview(from_version=old, to_version=new)
        except ValidationError as exc:
            form.add_error(None, exc)
    status = 400 if data is not None and not form.is_valid() else 200
    return render(
        request,
        "authoring/pathways_migrate.html",
        {"template": template, "form": form, "rows": rows, "old": old, "new": new},
        status=status,
    )
