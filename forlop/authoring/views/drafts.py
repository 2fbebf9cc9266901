"""Editing a draft: its stop-point definitions and their checklist questions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forlop.authoring import cards, services
from forlop.authoring.forms import (
    DefinitionForm,
    ItemForm,
)
from forlop.authoring.views.fetch import (
    definition_for_edit,
    item_for_edit,
    version_for_edit,
)
from forlop.authoring.views.versions import (
    edit_page,
)
from forlop.core.forms import form_save
from forlop.core.http import AuthedHttpRequest
from forlop.pathways.models import (
    StopPointDefinition,
)


@require_POST
def definition_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    version = version_for_edit(request, pk)
    form = DefinitionForm(request.POST, prefix="new")
    if form_save(
        form,
        lambda _data: services.definition_create(
            actor=request.user, version=version, **form.service_fields()
        ),
    ):
        messages.success(request, _("Stop point added."))
        return redirect("authoring:version-edit", pk=version.pk)
    return edit_page(request, version, new_definition_form=form, status=400)


@require_POST
def definition_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = definition_for_edit(request, pk)
    form = DefinitionForm(request.POST, prefix=f"d{definition.pk}")
    updated = form_save(
        form,
        lambda _data: services.definition_update(
            actor=request.user, definition=definition, **form.service_fields()
        ),
    )
    saved = updated is not None
    definition = updated or definition
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
    return edit_page(
        request, definition.version, bound={("definition", definition.pk): form}, status=400
    )


@require_POST
def definition_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = definition_for_edit(request, pk)
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
    return edit_page(request, definition.version, bound=bound, status=400)


@require_POST
def item_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    definition = definition_for_edit(request, pk)
    form = ItemForm(request.POST, prefix=f"n{definition.pk}")
    saved = (
        form_save(
            form,
            lambda data: services.item_create(actor=request.user, definition=definition, **data),
        )
        is not None
    )
    bound: dict[tuple[str, int], Form] = {} if saved else {("new_item", definition.pk): form}
    return _item_response(request, definition, bound, saved=saved, message=_("Question added."))


@require_POST
def item_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = item_for_edit(request, pk)
    form = ItemForm(request.POST, prefix=f"i{item.pk}")
    saved = (
        form_save(form, lambda data: services.item_update(actor=request.user, item=item, **data))
        is not None
    )
    bound: dict[tuple[str, int], Form] = {} if saved else {("item", item.pk): form}
    return _item_response(
        request, item.definition, bound, saved=saved, message=_("Question saved.")
    )


@require_POST
def item_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = item_for_edit(request, pk)
    try:
        services.item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("authoring:version-edit", pk=item.definition.version_id)
    return _item_response(request, item.definition, {}, saved=True, message=_("Question removed."))
