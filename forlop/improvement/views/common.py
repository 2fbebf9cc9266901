"""Helpers shared by the improvement views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from forlop.core.forms import Form
from forlop.core.http import AuthedHttpRequest
from forlop.improvement import selectors
from forlop.improvement.access import TeamRole
from forlop.improvement.models import Gathering

T = TypeVar("T")


def apply(form: Form, action: Callable[[], T]) -> T | None:
    """Run a service; its ValidationError messages become the form's errors (None then)."""
    try:
        return action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None


def run(form: Form, action: Callable[[], object]) -> bool:
    """Run a service for its effect; False (and the messages on the form) when it refused."""
    try:
        action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return False
    return True


def status(form: Any) -> int:
    return 400 if form is not None and form.is_bound and form.errors else 200


def coordinated_gathering(request: AuthedHttpRequest, pk: int) -> Gathering:
    """A gathering the user may change: a network's for its coordinators, a national event
    for an administrator."""
    gathering, role, _team = selectors.gathering_get_for_user(user=request.user, pk=pk)
    if role != TeamRole.COORDINATOR or not selectors.may_change_gathering(request.user, gathering):
        raise Http404
    return gathering
