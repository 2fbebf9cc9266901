"""The FHIR R4 endpoint under /fhir/r4/: thin views that authenticate, check the scope, call
``resources`` (reads), ``writes`` (transactions) or ``bulk`` ($export), and answer in FHIR
JSON. Every refusal is an OperationOutcome with a 4xx status; every call by a client is in the
audit log (``AuditVerb.SYSTEM_CALL``, naming the client, with parameter names but never their
values, which may be personal data).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from authlib.oauth2 import OAuth2Error
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb
from forlop.interop.fhir import auth, bulk, codes, everything, reports, writes
from forlop.interop.fhir.capability import capability_statement
from forlop.interop.fhir.outcome import FhirError, operation_outcome
from forlop.interop.fhir.resources import (
    DEFAULT_COUNT,
    MAX_COUNT,
    REGISTRY,
    Caller,
    not_found,
    resource_read,
    resource_search,
)
from forlop.interop.fhir.scopes import READ, WRITE, allows
from forlop.interop.fhir.validate import parse_json
from forlop.pathways import selectors

log = logging.getLogger(__name__)

#: Parameters about the response itself, never search criteria.
RESULT_PARAMS = frozenset({"_count", "_offset", "_format", "_pretty"})


def fhir_response(
    data: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        status=status,
        content_type=f"{codes.FHIR_JSON}; charset=utf-8",
    )
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def error_response(exc: FhirError) -> HttpResponse:
    headers = {}
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="forlop"'
    return fhir_response(operation_outcome(exc.issues), status=exc.status, headers=headers)


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base")).rstrip("/")


def _check_format(request: HttpRequest) -> None:
    fmt = request.GET.get("_format")
    if fmt and fmt not in ("json", "application/json", codes.FHIR_JSON, "application/json+fhir"):
        raise FhirError.one(406, "not-supported", _("Forløp answers in FHIR JSON only."), "_format")


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        length = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        length = 0
    if length > settings.FORLOP_FHIR_MAX_BODY:
        raise FhirError.one(413, "too-costly", _("The request body is too large."))
    content_type = (request.content_type or "").lower()
    if content_type not in (codes.FHIR_JSON, "application/json", "application/json+fhir"):
        raise FhirError.one(415, "not-supported", _("Send FHIR JSON (application/fhir+json)."))
    try:
        body = request.body
    except RequestDataTooBig:
        raise FhirError.one(413, "too-costly", _("The request body is too large.")) from None
    if len(body) > settings.FORLOP_FHIR_MAX_BODY:
        raise FhirError.one(413, "too-costly", _("The request body is too large."))
    return parse_json(body)


View = Callable[..., HttpResponse]


def client_view(methods: tuple[str, ...]) -> Callable[[View], View]:
    """A view for system clients: bearer token, methods, OperationOutcome errors, audit row."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @login_not_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            authenticated: auth.Authenticated | None = None
            status = 500
            try:
                if request.method not in methods:
                    raise FhirError.one(
                        405, "not-supported", _("This interaction is not supported here.")
                    )
                authenticated = auth.authenticate(request)
                _check_format(request)
                caller = Caller(
                    user=authenticated.client.service_user,
                    now=timezone.now(),
                    scope=authenticated.token.scope,
                    client_id=authenticated.client.client_id,
                )
                response = view(request, caller, *args, **kwargs)
            except FhirError as exc:
                response = error_response(exc)
            status = response.status_code
            if authenticated is not None:
                audit_record(
                    actor=authenticated.client.service_user,
                    verb=AuditVerb.SYSTEM_CALL,
                    data={
                        "client": authenticated.client.client_id,
                        "method": request.method,
                        "path": request.path,
                        "params": sorted(set(request.GET.keys())),
                        "status": status,
                    },
                )
            return response

        return wrapped

    return decorate


def require(caller: Caller, resource_type: str, access: frozenset[str]) -> None:
    if not allows(caller.scope, resource_type, access):
        raise FhirError.one(
            403,
            "forbidden",
            _("The token's scopes do not allow this interaction on %(type)s."),
            type=resource_type,
        )


def _resource_type(name: str) -> Any:
    resource_type = REGISTRY.get(name)
    if resource_type is None:
        raise FhirError.one(404, "not-supported", _("Forløp does not serve this resource type."))
    return resource_type


# --- public: metadata and SMART configuration ----------------------------------------------


@csrf_exempt
@login_not_required
def metadata(request: HttpRequest) -> HttpResponse:
    if request.method != "GET":
        return error_response(
            FhirError.one(405, "not-supported", _("This interaction is not supported here."))
        )
    return fhir_response(
        capability_statement(base_url=base_url(request), token_url=auth.token_url(request))
    )


@csrf_exempt
@login_not_required
def smart_configuration(request: HttpRequest) -> HttpResponse:
    data = {
        "token_endpoint": auth.token_url(request),
        "token_endpoint_auth_methods_supported": [auth.AUTH_METHOD],
        "token_endpoint_auth_signing_alg_values_supported": auth.SIGNING_ALGORITHMS,
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": [
            "system/*.read",
            "system/Task.write",
            "system/QuestionnaireResponse.write",
            "system/Encounter.write",
        ],
        "capabilities": ["client-confidential-asymmetric"],
    }
    return HttpResponse(json.dumps(data), content_type="application/json")


@csrf_exempt
@login_not_required
def token(request: HttpRequest) -> HttpResponse:
    """OAuth 2.0 token endpoint (client credentials, private_key_jwt)."""
    if request.method != "POST":
        return HttpResponse(
            json.dumps({"error": "invalid_request"}), status=405, content_type="application/json"
        )
    try:
        response: HttpResponse = auth.token_server(request).create_token_response(request)
    except OAuth2Error as exc:  # raised before Authlib's own handling, e.g. plain HTTP
        response = HttpResponse(
            json.dumps(dict(exc.get_body())),
            status=exc.status_code,
            content_type="application/json",
        )
    response["Cache-Control"] = "no-store"
    return response


# --- reads ---------------------------------------------------------------------------------


def _search_params(items: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], int, int]:
    params: list[tuple[str, str]] = []
    count, offset = DEFAULT_COUNT, 0
    for name, value in items:
        if name == "_count":
            if not value.isdigit():
                raise FhirError.one(400, "invalid", _("_count must be a whole number."), "_count")
            count = max(0, min(int(value), MAX_COUNT))
        elif name == "_offset":
            if not value.isdigit():
                raise FhirError.one(400, "invalid", _("_offset must be a whole number."), "_offset")
            offset = int(value)
        elif name not in RESULT_PARAMS:
            params.append((name, value))
    return params, count, offset


def _searchset(
    request: HttpRequest,
    type_name: str,
    params: list[tuple[str, str]],
    result: Any,
    *,
    linkable: bool,
) -> dict[str, Any]:
    base = base_url(request)

    def link(relation: str, offset: int) -> dict[str, str]:
        query = urlencode([*params, ("_count", str(result.count)), ("_offset", str(offset))])
        return {"relation": relation, "url": f"{base}/{type_name}?{query}"}

    links = []
    if linkable:
        links.append(link("self", result.offset))
        if result.offset + result.count < result.total and result.count > 0:
            links.append(link("next", result.offset + result.count))
        if result.offset > 0:
            links.append(link("previous", max(0, result.offset - result.count)))
    else:
        links.append({"relation": "self", "url": f"{base}/{type_name}/_search"})
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": result.total,
        "link": links,
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in result.resources
        ],
    }


@client_view(("GET", "POST"))
def type_endpoint(request: HttpRequest, caller: Caller, resource_type: str) -> HttpResponse:
    spec = _resource_type(resource_type)
    if request.method == "POST":
        require(caller, spec.name, WRITE)
        if "create" not in spec.writable:
            raise FhirError.one(
                405, "not-supported", _("Forløp does not create this resource type this way.")
            )
        data = _body(request)
        outcome, status = writes.create_single(
            caller=caller,
            resource_type=spec.name,
            resource=data,
            if_none_exist=request.headers.get("If-None-Exist", ""),
        )
        return fhir_response(outcome, status=status)
    require(caller, spec.name, READ)
    items = list(request.GET.lists())
    flat = [(k, v) for k, values in items for v in values]
    for name, _value in flat:
        param = spec.param(name)
        if param is not None and param.post_only:
            raise FhirError.one(
                400,
                "security",
                _(
                    "This parameter carries personal data and is accepted only in a POST _search body."
                ),
                name,
            )
    params, count, offset = _search_params(flat)
    result = resource_search(caller, spec, params, offset=offset, count=count)
    return fhir_response(_searchset(request, spec.name, params, result, linkable=True))


@client_view(("POST",))
def search_post(request: HttpRequest, caller: Caller, resource_type: str) -> HttpResponse:
    """POST [type]/_search with form parameters in the body (for identity numbers and names)."""
    spec = _resource_type(resource_type)
    require(caller, spec.name, READ)
    if (request.content_type or "") != "application/x-www-form-urlencoded":
        raise FhirError.one(
            415,
            "not-supported",
            _("Send the search parameters as a form (application/x-www-form-urlencoded)."),
        )
    flat = [(k, v) for k, values in request.POST.lists() for v in values]
    params, count, offset = _search_params(flat)
    result = resource_search(caller, spec, params, offset=offset, count=count)
    personal = any((spec.param(n) is not None and spec.param(n).post_only) for n, _v in params)
    return fhir_response(_searchset(request, spec.name, params, result, linkable=not personal))


@client_view(("GET", "PUT"))
def instance_endpoint(
    request: HttpRequest, caller: Caller, resource_type: str, logical_id: str
) -> HttpResponse:
    spec = _resource_type(resource_type)
    if request.method == "PUT":
        require(caller, spec.name, WRITE)
        if "update" not in spec.writable:
            raise FhirError.one(
                405, "not-supported", _("Forløp does not update this resource type this way.")
            )
        data = _body(request)
        outcome, status = writes.update_single(
            caller=caller,
            resource_type=spec.name,
            logical_id=logical_id,
            resource=data,
            if_match=request.headers.get("If-Match", ""),
        )
        return fhir_response(outcome, status=status)
    require(caller, spec.name, READ)
    resource = resource_read(caller, spec, logical_id)
    headers = {}
    version = resource.get("meta", {}).get("versionId")
    if version:
        headers["ETag"] = f'W/"{version}"'
    return fhir_response(resource, headers=headers)


@client_view(("GET",))
def patient_everything(request: HttpRequest, caller: Caller, logical_id: str) -> HttpResponse:
    require(caller, "Patient", READ)
    readable = [name for name in REGISTRY if allows(caller.scope, name, READ)]
    bundle = everything.patient_everything(
        caller=caller, patient_id=logical_id, types=readable, base=base_url(request)
    )
    return fhir_response(bundle)


@client_view(("GET",))
def admission_report(request: HttpRequest, caller: Caller, logical_id: str) -> HttpResponse:
    """CarePlan/{id}/$admission-report: the admission report (HPH6) as a document Bundle."""
    require(caller, "CarePlan", READ)
    if not logical_id.isdigit() or caller.user is None:  # a client call always has its user
        raise not_found()
    try:
        pathway = selectors.pathway_get_for_user(
            user=caller.user,
            pathway_id=int(logical_id),
            now=caller.now,
            verb=AuditVerb.SUMMARY_PRINTED,
        )
    except Http404:
        raise not_found() from None
    return fhir_response(
        reports.admission_report_bundle(pathway=pathway, base=base_url(request), now=caller.now)
    )


@client_view(("POST",))
def transaction(request: HttpRequest, caller: Caller) -> HttpResponse:
    data = _body(request)
    response, status = writes.bundle_process(caller=caller, bundle=data)
    return fhir_response(response, status=status)


# --- bulk data -----------------------------------------------------------------------------


@client_view(("GET",))
def export_kickoff(request: HttpRequest, caller: Caller) -> HttpResponse:
    if request.headers.get("Prefer", "").replace(" ", "") != "respond-async":
        raise FhirError.one(
            400, "invalid", _("Bulk export needs the header Prefer: respond-async.")
        )
    job = bulk.export_kickoff(
        caller=caller,
        types=request.GET.get("_type", ""),
        since=request.GET.get("_since", ""),
        request_url=request.build_absolute_uri(),
    )
    status_url = request.build_absolute_uri(reverse("fhir:bulk-status", args=[job.pk]))
    return HttpResponse(status=202, headers={"Content-Location": status_url})


@client_view(("GET", "DELETE"))
def export_status(request: HttpRequest, caller: Caller, job_id: int) -> HttpResponse:
    job = bulk.job_for_client(caller=caller, job_id=job_id)
    if request.method == "DELETE":
        bulk.job_delete(job=job)
        return HttpResponse(status=202)
    if job.status == job.Status.ACCEPTED:
        return HttpResponse(status=202, headers={"X-Progress": "in progress", "Retry-After": "5"})
    if job.status == job.Status.FAILED:
        raise FhirError.one(422, "exception", _("The export failed."))
    manifest = bulk.manifest(
        job=job,
        file_url=lambda name: request.build_absolute_uri(
            reverse("fhir:bulk-file", args=[job.pk, name])
        ),
    )
    return HttpResponse(
        json.dumps(manifest), content_type="application/json", headers={"Expires": ""}
    )


@client_view(("GET",))
def export_file(request: HttpRequest, caller: Caller, job_id: int, name: str) -> HttpResponse:
    job = bulk.job_for_client(caller=caller, job_id=job_id)
    path = bulk.job_file(job=job, name=name)
    # A streamed file: FileResponse is not an HttpResponse subclass, but every view of this
    # module answers through the same wrapper, which only reads status and headers.
    return FileResponse(path.open("rb"), content_type="application/fhir+ndjson")  # type: ignore[return-value]


@csrf_exempt
@login_not_required
def not_supported(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error_response(
        FhirError.one(404, "not-supported", _("Forløp does not support this interaction."))
    )
