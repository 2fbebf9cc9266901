"""What the engine's pages share: answers in words, the event buttons, the safe "next" URL and
the panel data of the patients a page shows.

**htmx error convention (project-wide).** htmx 2 swaps only 2xx responses by default and we keep
that default. An htmx request that fails validation or loses an edit conflict is answered
**200 with the partial that shows the error** (the row, the form), so the user sees the message
where they acted. The same request without htmx (a plain form post, the no-JavaScript fallback)
gets the full page with the error and a 4xx status: 400 for invalid input, 409 for an edit
conflict. Network failures and 5xx answers, which never reach a swap, are shown by forlop.js as
a "not saved — try again" state on the element that sent them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from forlop.core.http import AuthedHttpRequest
from forlop.pathways import registry
from forlop.pathways.models import EventKindChoices
from forlop.patients.models import Patient

# The event buttons, in the order the nurse needs them (HPH4 first).
EVENT_BUTTONS = [
    EventKindChoices.FALL,
    EventKindChoices.DECLINE,
    EventKindChoices.OUT_OF_HOURS_CONTACT,
    EventKindChoices.ADMISSION,
    EventKindChoices.RETURN_HOME,
    EventKindChoices.DEATH,
    EventKindChoices.SERVICES_ENDED,
]


def event_buttons() -> list[tuple[str, str]]:
    return [(kind.value, str(kind.label)) for kind in EVENT_BUTTONS]


def answer_display(value: Any, *, kind: str = "") -> str:
    """A stored answer in words: yes/no, a list joined, a plugged-in kind's structured value
    in its own words, anything else as text."""
    if isinstance(value, dict):
        plugin = registry.item_kind(kind)
        return plugin.display(value) if plugin is not None else "–"
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "–"
    return str(value)


def safe_next(request: AuthedHttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def patient_panels(patients: Iterable[Patient]) -> dict[str, registry.PanelData]:
    """The "patient" panels (the goals header, …) of every patient a page shows, loaded in one
    batch per panel; ``{% patient_panels "patient" patient %}`` reads them from the context."""
    return {"panels_patient": registry.panel_data("patient", patients)}
