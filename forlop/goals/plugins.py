"""How "what matters" plugs into the pathway engine (``pathways.registry``), which never
imports goals: the checklist item answered by a scoring of the patient's goals, the goals
header on the engine's pages, and the goals section of the printed reports.

``register()`` runs in ``GoalsConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from forlop.goals import selectors
from forlop.pathways import checklists, registry
from forlop.pathways.models import ChecklistItem
from forlop.patients.models import Patient

SCORING_KIND_LABELS: dict[str, Any] = {
    "baseline": gettext_lazy("Baseline"),
    "follow_up": gettext_lazy("Follow-up"),
}


@dataclass(frozen=True, slots=True)
class WhatMattersLink:
    """The answer of a "what matters" item: the scoring of the goals that answered it.

    Stored in the checklist answer as ``{"scoring": pk, "kind": "baseline", "scored_on": iso}``;
    this class is the one reader and writer of that shape.
    """

    scoring_id: int
    kind: str
    scored_on: date | None = None

    def to_json(self) -> dict[str, Any]:
        value: dict[str, Any] = {"scoring": self.scoring_id, "kind": self.kind}
        if self.scored_on is not None:
            value["scored_on"] = self.scored_on.isoformat()
        return value

    @classmethod
    def from_json(cls, value: Mapping[str, Any]) -> WhatMattersLink:
        """Parse a stored or submitted value; raises ``checklists.AnswerError`` if malformed."""
        scoring = value.get("scoring")
        kind = value.get("kind")
        if isinstance(scoring, bool) or not isinstance(scoring, int) or scoring < 1:
            raise checklists.AnswerError(_("Link the answer to a scoring of the patient's goals."))
        if kind not in SCORING_KIND_LABELS:
            raise checklists.AnswerError(_("Link the answer to a scoring of the patient's goals."))
        scored_on = value.get("scored_on")
        day = None
        if scored_on is not None:
            try:
                day = date.fromisoformat(str(scored_on))
            except ValueError as exc:
                raise checklists.AnswerError(_("Enter a date.")) from exc
        return cls(scoring_id=scoring, kind=str(kind), scored_on=day)

    def in_words(self) -> str:
        kind = str(SCORING_KIND_LABELS.get(self.kind, self.kind)).lower()
        if self.scored_on is None:
            return _("Goals scored with the patient (%(kind)s)") % {"kind": kind}
        when = formats.date_format(self.scored_on, "SHORT_DATE_FORMAT")
        return _("Goals scored with the patient (%(kind)s, %(date)s)") % {
            "kind": kind,
            "date": when,
        }


def _clean(value: dict[str, Any]) -> dict[str, Any]:
    return WhatMattersLink.from_json(value).to_json()


def _display(value: dict[str, Any]) -> str:
    try:
        return WhatMattersLink.from_json(value).in_words()
    except checklists.AnswerError:
        return "–"


def _headers(patients: Sequence[Patient]) -> Mapping[int, Any]:
    return selectors.goals_headers_for(patients)


def _header_html_key(header: selectors.GoalsHeader) -> str | None:
    """The header's HTML is kept with its data (``goals_headers_for``), except when it shows
    the patient's suggestions: their buttons are forms, with the viewer's CSRF token."""
    return None if header.proposals else header.cache_key


def _reports(patients: Sequence[Patient]) -> Mapping[int, Any]:
    return {patient.pk: selectors.goals_report(patient=patient) for patient in patients}


def register() -> None:
    registry.register_item_kind(
        registry.ItemKind(
            kind=ChecklistItem.Kind.WHAT_MATTERS,
            clean=_clean,
            display=_display,
            template="goals/_what_matters_item.html",
        )
    )
    registry.register_panel(
        registry.Panel(
            slot="patient",
            name="goals",
            template="goals/_goals_header.html",
            load=_headers,
            html_key=_header_html_key,
        )
    )
    registry.register_panel(
        registry.Panel(
            slot="line",
            name="goals",
            template="goals/_goals_line.html",
            load=_headers,
        )
    )
    registry.register_panel(
        registry.Panel(
            slot="report",
            name="goals",
            template="goals/_goals_report.html",
            load=_reports,
        )
    )
