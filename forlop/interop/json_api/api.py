"""/api/v1/: a small JSON API (django-ninja), its OpenAPI document at /api/v1/openapi.json.

Two ways in: a logged-in person (the session, with CSRF on writes; for the app's own
front-ends) or a system client's bearer token (the same tokens as the FHIR endpoint; the
token's scopes decide: work lists and pathways need ``Task.read``, measures ``*.read``).
Every answer comes from the same selectors as the pages, with the same access rule, and is
audited by them. No identity number is ever in a response; patients are named and given by id.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Unit, User
from forlop.interop.fhir import auth as fhir_auth
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.scopes import READ, allows
from forlop.measures import selectors as measure_selectors
from forlop.pathways import rules, selectors


class Bearer(HttpBearer):
    """A system client's access token (see ``fhir.auth``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            authenticated = fhir_auth.authenticate(request)
        except FhirError:
            return None
        request.api_user = authenticated.client.service_user  # type: ignore[attr-defined]
        request.api_scope = authenticated.token.scope  # type: ignore[attr-defined]
        request.api_client = authenticated.client.client_id  # type: ignore[attr-defined]
        return authenticated


class Session(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            request.api_user = request.user  # type: ignore[attr-defined]
            request.api_scope = "system/*.read"  # a person: the access rule alone decides  # type: ignore[attr-defined]
            request.api_client = ""  # type: ignore[attr-defined]
        return user


api = NinjaAPI(
    title="Forløp API",
    version="1",
    description="Work lists, pathways and measures for integrations and Forløp's own front-ends.",
    urls_namespace="api",
    docs_url=None,  # the interactive docs load from a CDN, which the CSP forbids
    auth=[Bearer(), Session()],
)


class Error(Schema):
    detail: Any


ERRORS: dict[int, type[Schema]] = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}
"""400: a request refused at the edge (a NUL byte; ``json_api.errors``)."""


def _user(request: HttpRequest, resource: str = "Task") -> User:
    if not allows(getattr(request, "api_scope", ""), resource, READ):
        raise HttpError(403, "The token's scopes do not allow this.")
    user: User = request.api_user  # type: ignore[attr-defined]
    if getattr(request, "api_client", ""):
        audit_record(
            actor=user,
            verb=AuditVerb.SYSTEM_CALL,
            data={
                "client": request.api_client,
                "method": request.method,
                "path": request.path,
                "params": sorted(request.GET.keys()),
            },  # type: ignore[attr-defined]
        )
    return user


# --- work lists ------------------------------------------------------------------------------


class WorkItemOut(Schema):
    stop_point: int
    pathway: int
    patient: int
    patient_name: str
    code: str
    title: str
    due_at: datetime
    all_day: bool
    status: str
    responsible: int | None


class WorkListOut(Schema):
    overdue: list[WorkItemOut]
    due_today: list[WorkItemOut]
    due_this_week: list[WorkItemOut]
    total: int


class WorkListQuery(Schema):
    unit: str | None = None


def _item(item: selectors.WorkItem) -> WorkItemOut:
    return WorkItemOut(
        stop_point=item.stop_point.pk,
        pathway=item.stop_point.pathway_id,
        patient=item.patient.pk,
        patient_name=item.patient.full_name,
        code=item.code,
        title=item.title,
        due_at=item.due_at,
        all_day=item.all_day,
        status=item.status.value,
        responsible=item.responsible.pk if item.responsible is not None else None,
    )


@api.get("/worklist", response={200: WorkListOut, **ERRORS}, summary="The caller's work list")
def worklist(request: HttpRequest, query: Query[WorkListQuery]) -> Any:
    """Open stop points, overdue first: the caller's own, or a unit's (``unit`` code)."""
    user = _user(request)
    unit = None
    if query.unit is not None:
        unit = Unit.objects.filter(
            code=query.unit, memberships__user=user, memberships__active=True
        ).first()
        if unit is None:
            raise HttpError(404, "No such unit, or you are not a member of it.")
    result = selectors.worklist(user=user, now=timezone.now(), unit=unit)
    return WorkListOut(
        overdue=[_item(i) for i in result.overdue],
        due_today=[_item(i) for i in result.due_today],
        due_this_week=[_item(i) for i in result.due_this_week],
        total=result.total,
    )


class CountsOut(Schema):
    overdue: int
    today: int


@api.get(
    "/worklist/counts",
    response={200: CountsOut, **ERRORS},
    summary="How many stop points are overdue and due today",
)
def worklist_counts(request: HttpRequest) -> Any:
    return selectors.worklist_counts(user=_user(request), now=timezone.now())


# --- a pathway -------------------------------------------------------------------------------


class StopPointOut(Schema):
    id: int
    code: str
    title: str
    status: str
    opens_at: datetime
    due_at: datetime
    all_day: bool
    completed_at: datetime | None


class PathwayOut(Schema):
    id: int
    patient: int
    template: str
    version: int
    unit: str
    started_at: datetime
    discharged_at: datetime | None
    arrived_home_at: datetime | None
    ended_at: datetime | None
    stop_points: list[StopPointOut]


@api.get(
    "/pathways/{pathway_id}",
    response={200: PathwayOut, **ERRORS},
    summary="A pathway and its stop points",
)
def pathway_detail(request: HttpRequest, pathway_id: int) -> Any:
    user = _user(request)
    if not 0 < pathway_id < 2**63:
        raise HttpError(404, "Not found.")
    now = timezone.now()
    try:
        pathway = selectors.pathway_get_for_user(user=user, pathway_id=pathway_id, now=now)
    except Http404:
        raise HttpError(404, "Not found.") from None
    chain = selectors.pathway_chain(pathway=pathway, now=now)
    points = sorted(
        (sp for lane in chain.lanes for sp in lane.stop_points),
        key=lambda sp: (sp.due_at, sp.stop_point.pk),
    )
    return PathwayOut(
        id=pathway.pk,
        patient=pathway.patient_id,
        template=pathway.version.template.code,
        version=pathway.version.number,
        unit=pathway.unit.code,
        started_at=pathway.started_at,
        discharged_at=pathway.discharged_at,
        arrived_home_at=pathway.arrived_home_at,
        ended_at=pathway.ended_at,
        stop_points=[
            StopPointOut(
                id=sp.stop_point.pk,
                code=sp.code,
                title=sp.title,
                status=sp.status.value,
                opens_at=sp.opens_at,
                due_at=sp.due_at,
                all_day=sp.all_day,
                completed_at=sp.completed_at,
            )
            for sp in points
        ],
    )


# --- measures --------------------------------------------------------------------------------


class ScopeOut(Schema):
    level: str
    code: str
    name: str


class MeasureOut(Schema):
    code: str
    name: str
    period: str
    description: str


class PointOut(Schema):
    period_start: date
    label: str
    numerator: float | None
    denominator: float | None
    value: float | None
    suppressed: bool


class SeriesOut(Schema):
    measure: str
    scope: ScopeOut
    chart: str
    points: list[PointOut]
    signals: list[str]


class SeriesQuery(Schema):
    first: date | None = None
    last: date | None = None


@api.get(
    "/measures/scopes",
    response={200: list[ScopeOut], **ERRORS},
    summary="Where the caller may see measures",
)
def measure_scopes(request: HttpRequest) -> Any:
    user = _user(request, "Measure")
    return [
        ScopeOut(level=s.level, code=s.code, name=s.name)
        for s in measure_selectors.scopes_for_user(user=user)
    ]


def _scope(request: HttpRequest, level: str, code: str) -> Any:
    user = _user(request, "Measure")
    try:
        return measure_selectors.scope_get_for_user(user=user, level=level, code=code)
    except Http404:
        raise HttpError(404, "Not found.") from None


@api.get(
    "/measures/{level}/{code}",
    response={200: list[MeasureOut], **ERRORS},
    summary="The measures of a scope",
)
def measures(request: HttpRequest, level: str, code: str) -> Any:
    scope = _scope(request, level, code)
    return [
        MeasureOut(code=m.code, name=m.name, period=m.period, description=m.description)
        for m in measure_selectors.measures_for_scope(scope=scope)
    ]


@api.get(
    "/measures/{level}/{code}/{measure}/series",
    response={200: SeriesOut, **ERRORS},
    summary="A measure's series and its signals",
)
def measure_series(
    request: HttpRequest, level: str, code: str, measure: str, query: Query[SeriesQuery]
) -> Any:
    scope = _scope(request, level, code)
    try:
        definition = measure_selectors.measure_get_for_scope(scope=scope, code=measure)
    except Http404:
        raise HttpError(404, "Not found.") from None
    now = timezone.now()
    today = now.astimezone(rules.OSLO).date()
    first, last = measure_selectors.default_window(today=today, period=definition.period)
    first = query.first or first
    last = query.last or last
    if last < first or (last - first) > timedelta(days=366 * 5):
        raise HttpError(422, "Give a window of at most five years, first before last.")
    series = measure_selectors.measure_series(
        definition, scope=scope, first=first, last=last, as_of=now
    )
    return SeriesOut(
        measure=definition.code,
        scope=ScopeOut(level=scope.level, code=scope.code, name=scope.name),
        chart=str(series.chart),
        points=[
            PointOut(
                period_start=p.period_start,
                label=p.label,
                numerator=p.numerator,
                denominator=p.denominator,
                value=p.value,
                suppressed=p.suppressed,
            )
            for p in series.points
        ],
        signals=list(series.signals),
    )
