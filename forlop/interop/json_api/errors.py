"""The API's answer to a request refused before it reaches the API.

The NUL-byte guard (``core.middleware.NulByteMiddleware``) refuses a request at the edge with
Django's 400 handler, which renders the Norwegian HTML page. A client of ``/api/v1/`` reads
JSON, and the OpenAPI document promises the ``Error`` shape for a 400: this handler keeps that
promise for the API's paths and leaves every other path to the page (``core.views``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse

from forlop.core import views as core_views

API_PREFIX = "/api/"


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        return JsonResponse(
            {"detail": "Bad request: the request holds a character the API cannot read."},
            status=400,
        )
    return core_views.bad_request(request, exception)
