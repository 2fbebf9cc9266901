"""Typed request for views (django-htmx style)."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from forlop.core.models import User


class AuthedHttpRequest(HttpRequest):
    htmx: HtmxDetails
    user: User
