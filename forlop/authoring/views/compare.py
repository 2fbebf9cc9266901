"""Comparing two versions and moving running pathways to another version."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from forlop.authoring import diff, migrate, selectors
from forlop.authoring.forms import (
    ORIGIN_PREFIX,
    VersionCompareForm,
    VersionPairForm,
)
from forlop.authoring.views.fetch import (
    detail_url,
    template_for_edit,
    version_by_number,
)
from forlop.core.http import AuthedHttpRequest


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
            old = version_by_number(origin, old_key.removeprefix(ORIGIN_PREFIX))
        else:
            old = version_by_number(template, old_key)
        new = version_by_number(template, chosen["new"])
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
    template = template_for_edit(request, pk)
    versions = list(template.versions.order_by("-number"))
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = VersionPairForm(data, versions=versions)
    rows = None
    old = new = None
    now = timezone.now()
    if data is not None and form.is_valid():
        old = version_by_number(template, form.cleaned_data["old"])
        new = version_by_number(template, form.cleaned_data["new"])
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
                return redirect(f"{detail_url(template.pk)}?version={new.number}")
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
