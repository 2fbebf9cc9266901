"""How higher apps plug into the engine without the engine importing them (Wagtail's hooks).

Two kinds of plug-in, filled in the plugging app's ``AppConfig.ready()``:

* **Checklist item kinds** (``ItemKind``): an app that owns a kind of checklist item (goals
  owns "what matters") gives its cleaner for the structured value it stores as the answer, the
  words for that value on pages and prints, and the partial that draws the item's row.
* **Patient panels** (``Panel``): a block about the patient shown on engine pages, in a
  ``slot``: ``"patient"`` heads the work-list cards, the checklist, the chain and the pathway
  summary; ``"line"`` is the same in one short line (the printed day list); ``"report"`` is a
section of the printed GP summary and admission report. A panel
  loads its data for many patients at once (``load``), so a work list keeps a constant number
  of queries; the engine's views call ``panel_data`` once per page. Panels read data of
  patients the page has already reached through the access function (no audit row of their own).

* **Leader sections** (``LeaderSection``): a block on the leaders' view that is not about
  one patient, such as the improvement team's aims, charts and open PDSA cycles for the
  leader's fixed meetings. ``load(user, today)`` returns the section's data (None: nothing
  to show); the section reads no patient data.

The engine's templates render panels with ``{% patient_panels slot patient %}`` (the
``pathways_tags`` library), leader sections with ``{% leader_sections %}``, and a plug-in's
row with ``{% include row.plugin.template %}``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

    from forlop.core.models import User
    from forlop.patients.models import Patient


@dataclass(frozen=True, slots=True)
class ItemKind:
    kind: str
    clean: Callable[[dict[str, Any]], dict[str, Any]]
    """Validate a structured answer value; raise ``checklists.AnswerError`` when it is wrong."""
    display: Callable[[dict[str, Any]], str]
    """The stored structured value in words."""
    template: str
    """The partial that draws the item's row on the checklist page."""


@dataclass(frozen=True, slots=True)
class Panel:
    slot: str
    name: str
    template: str
    load: Callable[[Sequence[Patient]], Mapping[int, Any]]
    """Patients → the panel's data for each, by patient pk (absent: nothing to show)."""
    html_key: Callable[[Any], str | None] | None = None
    """The data → a key its rendered HTML may be kept under in the panels' cache (settings
    CACHES "panels"), or None to render it each time. Only for HTML that follows from the data
    alone (and the language, time zone and script prefix, which the tag adds to the key): no
    form, no CSRF token, nothing of the request."""


PANEL_CACHE = "panels"
"""The cache alias of the panels' data and HTML (settings.CACHES: the process's memory)."""

_item_kinds: dict[str, ItemKind] = {}
_panels: dict[str, dict[str, Panel]] = defaultdict(dict)

SLOTS = frozenset({"patient", "line", "report"})


def register_item_kind(plugin: ItemKind) -> None:
    _item_kinds[plugin.kind] = plugin


def item_kind(kind: str) -> ItemKind | None:
    return _item_kinds.get(kind)


def register_panel(panel: Panel) -> None:
    if panel.slot not in SLOTS:
        raise ValueError(f"Unknown panel slot {panel.slot!r}; known: {sorted(SLOTS)}")
    _panels[panel.slot][panel.name] = panel  # re-registering (tests, autoreload) replaces


def panels(slot: str) -> list[Panel]:
    return list(_panels[slot].values())


@dataclass(frozen=True, slots=True)
class PanelData:
    """The loaded panels of one slot for a page: ``for_patient(pk)`` gives (panel, data)."""

    slot: str
    rows: Mapping[str, Mapping[int, Any]]

    def for_patient(self, patient_id: int) -> list[tuple[Panel, Any]]:
        out: list[tuple[Panel, Any]] = []
        for panel in panels(self.slot):
            data = self.rows.get(panel.name, {}).get(patient_id)
            if data is not None:
                out.append((panel, data))
        return out


def panel_data(slot: str, patients: Iterable[Patient]) -> PanelData:
    """Load every panel of ``slot`` for these patients: one batch per panel."""
    unique = list({patient.pk: patient for patient in patients}.values())
    return PanelData(
        slot=slot, rows={p.name: p.load(unique) for p in panels(slot)} if unique else {}
    )


@dataclass(frozen=True, slots=True)
class LeaderSection:
    name: str
    template: str
    load: Callable[[User, date], Any]
    """(the leader, today) → the section's data, or None when there is nothing to show."""


_leader_sections: dict[str, LeaderSection] = {}


def register_leader_section(section: LeaderSection) -> None:
    _leader_sections[section.name] = section  # re-registering (tests, autoreload) replaces


def leader_sections() -> list[LeaderSection]:
    return list(_leader_sections.values())
