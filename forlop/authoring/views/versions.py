"""Copying a template, creating a draft version, its edit page, and publishing it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.authoring import cards, selectors, services
from forlop.authoring.forms import (
    DefinitionForm,
    PublishForm,
    TemplateCopyForm,
)
from forlop.authoring.views.fetch import (
    detail_url,
    template_for_edit,
    version_for_edit,
)
from forlop.authoring.views.reading import (
    detail_context,
)
from forlop.core.forms import form_save
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Role
from forlop.pathways.models import (
    ChainActor,
    TemplateVersion,
)


@require_http_methods(["GET", "POST"])
def template_copy(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get_for_user(user=request.user, pk=pk)
    organisations = selectors.organisations_editable_by(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    initial = {"name": template.name, "organisation": organisations.first()}
    form = TemplateCopyForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and (
        copy := form_save(
            form,
            lambda data: services.template_copy(actor=request.user, template=template, **data),
            refusal_on_form=True,
        )
    ):
        messages.success(request, _("Template copied. Adapt the draft and publish it."))
        return redirect("authoring:version-edit", pk=copy.versions.get().pk)
    status = 400 if request.method == "POST" else 200
    context = {**detail_context(request, template), "copy_form": form}
    return render(request, "authoring/template_detail.html", context, status=status)


@require_POST
def version_draft_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = template_for_edit(request, pk)
    try:
        draft = services.version_draft_create(actor=request.user, template=template)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("authoring:detail", pk=template.pk)
    messages.success(request, _("Draft version %(number)s created.") % {"number": draft.number})
    return redirect("authoring:version-edit", pk=draft.pk)


def edit_page(
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
    version = version_for_edit(request, pk)
    if version.is_published:
        messages.info(request, _("This version is published and cannot change."))
        return redirect(f"{detail_url(version.template_id)}?version={version.number}")
    return edit_page(request, version)


@require_POST
def version_publish(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = version_for_edit(request, pk)
    form = PublishForm(request.POST)
    if form_save(
        form,
        lambda data: services.version_publish(
            actor=request.user, version=version, notes=data["notes"]
        ),
    ):
        messages.success(request, _("Version %(number)s published.") % {"number": version.number})
        return redirect(f"{detail_url(version.template_id)}?version={version.number}")
    return edit_page(request, version, publish_form=form, status=400)
