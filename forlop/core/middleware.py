"""Infrastructure middleware."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse


class NoStoreMiddleware:
    """Pages with patient data must not be kept in a shared tablet's browser cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/static/") and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
        return response


class NulByteMiddleware:
    """A NUL byte in the query string is refused at the edge with the Norwegian 400 page
    (issue 11, defect 7). PostgreSQL text cannot hold one, so a filter built from such a
    parameter (an API's ``?unit=``) would fail in the database with a 500. Form bodies are left
    to the forms, whose fields refuse NUL bytes with a message next to the field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL byte in the request")
        return self.get_response(request)
