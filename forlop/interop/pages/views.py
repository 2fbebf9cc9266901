"""Templates travel, on the template pages: download a template as FHIR, import one.

Export: anyone who may read the template downloads a version (``?version=``, default the
latest published) as a FHIR R4 collection Bundle, every resource validated on the way out.

Import, in two steps, only into an organisation whose templates the user edits:
1. upload: the file (size capped by ``core.uploads``) is read and validated, and the import
   runs as a dry run through the authoring services; the page shows what would be created,
   or what is wrong with the file, in the user's language with the place of the problem.
   The file waits in the session, tied to its SHA-256;
2. confirm (name and code editable): the same import for real, in one transaction.
A bad file, a code in use or a preview that has expired saves nothing (400); a double submit
is caught by the one-time form token and leads to the first result.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from forlop.authoring import selectors as authoring
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Organisation
from forlop.core.validation import int_param
from forlop.interop.fhir import templates as travel
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.pages.forms import TemplateConfirmForm, TemplateUploadForm

SESSION_KEY = "interop.template_import"


def fhir_error_messages(exc: FhirError) -> list[str]:
    """An OperationOutcome's issues in the active language, each with where the problem is."""
    english = (get_language() or "nb").startswith("en")
    lines = []
    for issue in exc.issues:
        nb, en = issue.texts()
        text = en if english else nb
        if issue.expression:
            text = f"{text} ({', '.join(issue.expression)})"
        lines.append(text)
    return lines


@require_GET
def template_export(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = authoring.template_get_for_user(user=request.user, pk=pk)
    number = None
    if "version" in request.GET:
        number = int_param(request.GET["version"])
        if number is None:
            raise Http404
    version = travel.template_version_for_export(template=template, number=number)
    if version is None:
        raise Http404
    bundle = travel.template_bundle(version=version, base=request.build_absolute_uri("/fhir/r4"))
    response = HttpResponse(
        json.dumps(bundle, ensure_ascii=False, indent=2), content_type="application/fhir+json"
    )
    name = f"forlop-mal-{template.code}-v{version.number}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _check(
    request: AuthedHttpRequest,
    file: travel.TemplateFile,
    organisation: Organisation,
    code: str,
    name: str,
) -> tuple[list[travel.PreviewStopPoint], list[str]]:
    try:
        return (
            travel.template_import_check(
                actor=request.user, organisation=organisation, file=file, code=code, name=name
            ),
            [],
        )
    except FhirError as exc:
        return [], fhir_error_messages(exc)
    except ValidationError as exc:
        return [], list(exc.messages)
    except PermissionDenied as exc:
        return [], [str(exc)]


def _preview_context(
    file: travel.TemplateFile, stop_points: list[travel.PreviewStopPoint], form: Any
) -> dict[str, Any]:
    return {
        "preview": {
            "title": file.plan.get("title", ""),
            "code": file.code,
            "version": file.plan.get("version", ""),
            "publisher": file.plan.get("publisher", ""),
            "published": file.plan.get("status") == "active",
            "stop_points": stop_points,
            "items": sum(s.items for s in stop_points),
        },
        "confirm_form": form,
    }


@require_http_methods(["GET", "POST"])
def template_import(request: AuthedHttpRequest) -> HttpResponse:
    organisations = authoring.organisations_editable_by(user=request.user)
    if not organisations.exists():
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("step") == "confirm":
        return _confirm(request, organisations)
    form = TemplateUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        organisations=organisations,
        too_large=getattr(request, "upload_too_large", False),
        initial={"organisation": organisations.first()},
    )
    context: dict[str, Any] = {"upload_form": form}
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read()
        organisation = form.cleaned_data["organisation"]
        try:
            file = travel.template_file_read(content)
        except FhirError as exc:
            for line in fhir_error_messages(exc):
                form.add_error("file", line)
        else:
            code = travel.template_code_suggest(file.code, organisation)
            name = str(file.plan.get("title") or code)[:200]
            stop_points, errors = _check(request, file, organisation, code, name)
            for line in errors:
                form.add_error("file", line)
            if not errors:
                request.session[SESSION_KEY] = {
                    "digest": file.digest,
                    "content": content.decode("utf-8"),
                }
                confirm = TemplateConfirmForm(
                    organisations=organisations,
                    initial={
                        "digest": file.digest,
                        "organisation": organisation.pk,
                        "name": name,
                        "code": code,
                    },
                )
                context |= _preview_context(file, stop_points, confirm)
                context["organisation"] = organisation
                return render(request, "interop/template_import.html", context)
    status = 400 if request.method == "POST" else 200
    return render(request, "interop/template_import.html", context, status=status)


def _confirm(request: AuthedHttpRequest, organisations: Any) -> HttpResponse:
    form = TemplateConfirmForm(request.POST, organisations=organisations)
    pending = request.session.get(SESSION_KEY) or {}
    if pending.get("digest") != request.POST.get("digest") or not pending.get("content"):
        messages.error(
            request, _("The preview has expired, so nothing was imported. Upload the file again.")
        )
        upload = TemplateUploadForm(
            organisations=organisations, initial={"organisation": organisations.first()}
        )
        return render(request, "interop/template_import.html", {"upload_form": upload}, status=400)
    file = travel.template_file_read(pending["content"].encode("utf-8"))
    if form.is_valid():
        data = form.cleaned_data
        try:
            template = travel.template_import(
                actor=request.user,
                organisation=data["organisation"],
                plan=file.plan,
                questionnaires=file.questionnaires,
                code=data["code"],
                name=data["name"],
            )
        except FhirError as exc:
            for line in fhir_error_messages(exc):
                form.add_error(None, line)
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            request.session.pop(SESSION_KEY, None)
            messages.success(
                request,
                _("The template %(name)s was imported with %(count)d stop points.")
                % {"name": template.name, "count": template.versions.get().definitions.count()},
            )
            return redirect("authoring:detail", pk=template.pk)
    organisation = form.cleaned_data.get("organisation") or organisations.first()
    stop_points, _errors = _check(
        request, file, organisation, travel.template_code_suggest(file.code, organisation), ""
    )
    context = _preview_context(file, stop_points, form)
    context["organisation"] = organisation
    return render(request, "interop/template_import.html", context, status=400)
